package org.ssehub.store;

import org.ssehub.wire.Frame;

/** A published event as kept: its id, its topic, the frame every subscriber gets, and when it was published. */
public record StoredEvent(long id, String topic, Frame frame, long publishedNanos) {
}
