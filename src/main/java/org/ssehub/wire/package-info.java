/** The wire format: SSE blocks serialised once, with fields that cannot break a line. */
package org.ssehub.wire;
