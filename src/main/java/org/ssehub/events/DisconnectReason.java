package org.ssehub.events;

import java.util.Locale;

/** Why the hub ended a stream, or found it ended. */
public enum DisconnectReason {
    /** Its queue was full: the client reads slower than events arrive. */
    QUEUE_FULL,
    /** One send took longer than {@code SSE_WRITE_TIMEOUT_MILLIS}: the client stopped reading. */
    WRITE_TIMEOUT,
    /** The client went away: a send to it failed. */
    CLIENT_GONE,
    /** Writing or replaying it failed in an unexpected way, logged as a warning; the client resumes. */
    ERROR,
    /** It reached {@code SSE_MAX_STREAM_SECONDS}: the hub closed it with a {@code retry:} and the client resumes. */
    LIFETIME,
    /** Its credential expired: the hub ended it with {@code event: expired}; the client needs a fresh one to resume. */
    EXPIRED,
    /** The hub closed it: on undeploy. */
    SHUTDOWN;

    /** Whether the stream failed, rather than being closed by the hub. */
    public boolean isFailure() {
        return this != SHUTDOWN && this != LIFETIME && this != EXPIRED;
    }

    /** The name used in metrics, such as {@code write_timeout}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
