package org.ssehub.store;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The events a hub keeps so that a client that reconnects gets what it missed. Live delivery does not go through it:
 * the hub broadcasts each event as it appends it, and the store serves history and replay. Ids are the hub's, ordered
 * across all topics; an implementation keeps them within its bounds by dropping the oldest, and remembers up to which
 * id it has dropped, so that a reader it can no longer serve is told so instead of being given a gap.
 */
public interface EventStore {

    /** Keeps {@code event} (ids only grow), then drops the oldest events past the bounds. One caller at a time. */
    void append(StoredEvent event);

    /**
     * Up to {@code limit} events of {@code topics} with ids after {@code afterId}, oldest first; empty if an event of
     * one of those topics after {@code afterId} is no longer kept. Safe to call while events are appended: what it
     * answers is a prefix, with no id skipped, of what a later call answers.
     */
    Optional<List<StoredEvent>> read(Set<String> topics, long afterId, int limit);

    /** Drops the events that have grown older than the age bound. One caller at a time, as for {@link #append}. */
    void trim(long nowNanos);

    /** Whether events of {@code topic} are kept. */
    boolean holds(String topic);
}
