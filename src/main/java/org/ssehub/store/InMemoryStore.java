package org.ssehub.store;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The events of one node, in memory, bounded by a count per topic, an age, and a byte budget for all topics
 * together; past any bound the oldest go first. Readers take no lock: each topic's events are in a concurrent
 * sorted map, so a resume finds its place by id without scanning. A topic whose every event was dropped is
 * forgotten, and a watermark remembers the newest id dropped with such a topic: a reader from before it is told
 * that events are missing, whatever topic it asks for.
 */
public final class InMemoryStore implements EventStore {

    /** What the store spends on an event besides its frame: the maps' entries, the record, the array headers. */
    static final int OVERHEAD_BYTES = 200;

    private final int maxPerTopic;
    private final long maxAgeNanos;
    private final long maxBytes;
    private final Map<String, Log> logs = new ConcurrentHashMap<>();
    /** Every kept event by id, the oldest first: what the age and byte bounds drop from. Guarded by this. */
    private final TreeMap<Long, StoredEvent> all = new TreeMap<>();
    private long bytes;
    /** The newest id appended: readers answer nothing newer, so concurrent appends never make them skip one. */
    private volatile long lastId;
    private volatile long forgottenUpTo;

    public InMemoryStore(int maxPerTopic, long maxAgeNanos, long maxBytes) {
        this.maxPerTopic = maxPerTopic;
        this.maxAgeNanos = maxAgeNanos;
        this.maxBytes = maxBytes;
    }

    private static final class Log {
        final ConcurrentSkipListMap<Long, StoredEvent> events = new ConcurrentSkipListMap<>();
        int size;
        /** Raised before an event is dropped, so a reader that checks it after reading sees any drop it raced. */
        volatile long droppedUpTo;

        Log(long droppedUpTo) {
            this.droppedUpTo = droppedUpTo;
        }
    }

    /** Keeps {@code event} (ids only grow), then drops the oldest events past the bounds. One caller at a time. */
    public synchronized void append(StoredEvent event) {
        if (event.id() <= lastId) {
            throw new IllegalArgumentException("ids only grow: " + event.id() + " after " + lastId);
        }
        Log log = logs.computeIfAbsent(event.topic(), topic -> new Log(forgottenUpTo));
        log.events.put(event.id(), event);
        log.size++;
        all.put(event.id(), event);
        bytes += size(event);
        lastId = event.id();
        while (log.size > maxPerTopic) {
            drop(log.events.firstEntry().getValue());
        }
        while (bytes > maxBytes) {
            drop(all.firstEntry().getValue());
        }
    }

    @Override
    public synchronized void trim(long nowNanos) {
        while (!all.isEmpty() && nowNanos - all.firstEntry().getValue().publishedNanos() > maxAgeNanos) {
            drop(all.firstEntry().getValue());
        }
    }

    private void drop(StoredEvent event) {
        Log log = logs.get(event.topic());
        log.droppedUpTo = Math.max(log.droppedUpTo, event.id());
        log.events.remove(event.id());
        log.size--;
        all.remove(event.id());
        bytes -= size(event);
        if (log.size == 0) {
            forgottenUpTo = Math.max(forgottenUpTo, log.droppedUpTo);
            logs.remove(event.topic());
        }
    }

    @Override
    public Optional<List<StoredEvent>> read(Set<String> topics, long afterId, long upToId, int limit) {
        long upTo = Math.min(lastId, upToId);
        List<Log> read = new ArrayList<>(topics.size());
        PriorityQueue<Cursor> next = new PriorityQueue<>(Comparator.comparingLong((Cursor cursor) -> cursor.head.id()));
        for (String topic : topics) {
            Log log = logs.get(topic);
            if (log == null) {
                if (forgottenUpTo > afterId) {
                    return Optional.empty();
                }
                continue;
            }
            read.add(log);
            Iterator<StoredEvent> events = log.events.subMap(afterId, false, upTo, true).values().iterator();
            if (events.hasNext()) {
                next.add(new Cursor(events.next(), events));
            }
        }
        List<StoredEvent> found = new ArrayList<>(Math.min(limit, 256));
        while (found.size() < limit && !next.isEmpty()) {
            Cursor cursor = next.poll();
            found.add(cursor.head);
            if (cursor.rest.hasNext()) {
                next.add(new Cursor(cursor.rest.next(), cursor.rest));
            }
        }
        for (Log log : read) {
            if (log.droppedUpTo > afterId) {
                return Optional.empty();
            }
        }
        return Optional.of(found);
    }

    /** A topic's next event in a merge by id, and the ones after it. */
    private record Cursor(StoredEvent head, Iterator<StoredEvent> rest) {
    }

    @Override
    public long lastId() {
        return lastId;
    }

    @Override
    public boolean holds(String topic) {
        return logs.containsKey(topic);
    }

    /** The bytes the kept events take, as counted against the budget. */
    synchronized long bytes() {
        return bytes;
    }

    private static long size(StoredEvent event) {
        return event.frame().length() + OVERHEAD_BYTES;
    }
}
