/** The {@code SSE_*} configuration, read once. */
package org.ssehub.config;
