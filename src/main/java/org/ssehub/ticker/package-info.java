/** The built-in {@code ticker} topic. */
package org.ssehub.ticker;
