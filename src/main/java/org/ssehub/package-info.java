/** sse-hub: a Server-Sent Events hub packaged as one Jakarta EE WAR. */
package org.ssehub;
