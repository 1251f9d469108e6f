/** The kept events of every topic: what a resuming client is replayed from. */
package org.ssehub.store;
