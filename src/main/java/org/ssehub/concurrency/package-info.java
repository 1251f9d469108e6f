/** The one owner of the app's threads. */
package org.ssehub.concurrency;
