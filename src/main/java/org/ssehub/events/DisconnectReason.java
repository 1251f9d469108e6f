package org.ssehub.events;

import java.util.Locale;

/** Why the hub ended a stream, or found it ended. */
public enum DisconnectReason {
    /** Its queue was full: the client reads slower than events arrive. */
    QUEUE_FULL,
    /** One write took longer than {@code SSE_WRITE_TIMEOUT_MILLIS}: the client stopped reading. */
    WRITE_TIMEOUT,
    /** The client went away, or the container ended the request. */
    CLIENT_GONE;

    /** The name used in metrics, such as {@code write_timeout}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
