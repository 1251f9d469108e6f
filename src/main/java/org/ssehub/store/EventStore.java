package org.ssehub.store;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The events a hub keeps so that a client that reconnects gets what it missed: {@link InMemoryStore} for one node,
 * {@link RedisStore} for a cluster. Ids are ordered across all topics. An implementation keeps events within its
 * bounds by dropping the oldest, and remembers up to which id it has dropped, so that a reader it can no longer serve
 * is told so instead of being given a gap.
 */
public interface EventStore {

    /**
     * Up to {@code limit} events of {@code topics} with ids after {@code afterId} and up to {@code upToId}, oldest
     * first; empty if an event of one of those topics after {@code afterId} is no longer kept. Safe to call while
     * events are appended: what it answers is a prefix, with no id skipped, of what a later call answers.
     */
    Optional<List<StoredEvent>> read(Set<String> topics, long afterId, long upToId, int limit);

    /** {@link #read(Set, long, long, int)} up to the newest id the store answers. */
    default Optional<List<StoredEvent>> read(Set<String> topics, long afterId, int limit) {
        return read(topics, afterId, lastId(), limit);
    }

    /** Drops the events that have grown older than the age bound. One caller at a time, as for {@link #append}. */
    void trim(long nowNanos);

    /** Whether events of {@code topic} are kept by this node, so that the topic is not to be forgotten. */
    boolean holds(String topic);

    /** The newest id that {@link #read} answers up to. */
    long lastId();
}
