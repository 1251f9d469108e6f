package org.ssehub.topics;

import java.util.ArrayDeque;
import java.util.List;
import java.util.Optional;
import org.ssehub.wire.Frame;

/**
 * The latest events of one topic, bounded by count and age, so a client that reconnects gets what it missed.
 * It remembers the newest id it has dropped: a client that saw less than that cannot be served and is reset.
 * Not thread-safe: the registry's lock guards it.
 */
final class History {

    record Entry(long id, Frame frame, long publishedNanos) {
    }

    private final ArrayDeque<Entry> entries = new ArrayDeque<>();
    private final int maxSize;
    private final long maxAgeNanos;
    private long droppedUpTo;

    History(int maxSize, long maxAgeNanos) {
        this.maxSize = maxSize;
        this.maxAgeNanos = maxAgeNanos;
    }

    void add(long id, Frame frame, long nowNanos) {
        entries.addLast(new Entry(id, frame, nowNanos));
        trim(nowNanos);
    }

    /** Drops the events beyond the count or older than the age. */
    void trim(long nowNanos) {
        while (!entries.isEmpty()
                && (entries.size() > maxSize || nowNanos - entries.peekFirst().publishedNanos() > maxAgeNanos)) {
            droppedUpTo = entries.removeFirst().id();
        }
    }

    /** The events after {@code id}, oldest first; empty if some of them were dropped. */
    Optional<List<Entry>> after(long id) {
        if (droppedUpTo > id) {
            return Optional.empty();
        }
        return Optional.of(entries.stream().filter(entry -> entry.id() > id).toList());
    }
}
