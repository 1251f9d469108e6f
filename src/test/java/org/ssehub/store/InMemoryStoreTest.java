package org.ssehub.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.ssehub.wire.Frame;

class InMemoryStoreTest {

    private static final long SECOND = 1_000_000_000L;
    private static final long NO_BUDGET = Long.MAX_VALUE;

    @Test
    void givesTheEventsAfterAnIdInOrderAcrossTopics() {
        var store = new InMemoryStore(10, 60 * SECOND, NO_BUDGET);
        for (long id = 1; id <= 6; id++) {
            store.append(event(id, id % 2 == 0 ? "even" : "odd", 0));
        }
        assertEquals(List.of(4L, 5L, 6L), ids(store, Set.of("even", "odd"), 3, 10));
        assertEquals(List.of(4L, 6L), ids(store, Set.of("even"), 3, 10));
        assertEquals(List.of(), ids(store, Set.of("odd", "even"), 6, 10));
        assertEquals(List.of(), ids(store, Set.of("never"), 0, 10));
    }

    @Test
    void readsInPages() {
        var store = new InMemoryStore(100, 60 * SECOND, NO_BUDGET);
        for (long id = 1; id <= 50; id++) {
            store.append(event(id, "t" + id % 7, 0));
        }
        List<Long> read = new ArrayList<>();
        long after = 0;
        for (List<Long> page = ids(store, Set.of("t0", "t1", "t2", "t3", "t4", "t5", "t6"), after, 8); !page.isEmpty();
                page = ids(store, Set.of("t0", "t1", "t2", "t3", "t4", "t5", "t6"), after, 8)) {
            assertTrue(page.size() <= 8);
            read.addAll(page);
            after = page.get(page.size() - 1);
        }
        assertEquals(50, read.size());
        for (int i = 0; i < read.size(); i++) {
            assertEquals(i + 1, read.get(i));
        }
    }

    @Test
    void keepsAtMostItsCountPerTopicAndRefusesWhatItDropped() {
        var store = new InMemoryStore(3, 60 * SECOND, NO_BUDGET);
        for (long id = 1; id <= 5; id++) {
            store.append(event(id, "a", 0));
        }
        store.append(event(6, "b", 0));
        assertEquals(List.of(3L, 4L, 5L, 6L), ids(store, Set.of("a", "b"), 2, 10));
        assertTrue(store.read(Set.of("a"), 1, 10).isEmpty(), "event 2 was dropped, so after 1 cannot be served");
        assertEquals(List.of(6L), ids(store, Set.of("b"), 1, 10), "topic b lost nothing");
    }

    @Test
    void dropsWhatIsOlderThanItsAge() {
        var store = new InMemoryStore(10, 60 * SECOND, NO_BUDGET);
        store.append(event(1, "a", 0));
        store.append(event(2, "a", 30 * SECOND));
        store.trim(61 * SECOND);
        assertEquals(List.of(2L), ids(store, Set.of("a"), 1, 10));
        assertTrue(store.read(Set.of("a"), 0, 10).isEmpty());
    }

    @Test
    void keepsAllTopicsWithinTheByteBudgetDroppingTheOldestFirst() {
        long perEvent = event(10, "b", 0).frame().length() + InMemoryStore.OVERHEAD_BYTES;
        var store = new InMemoryStore(1000, 60 * SECOND, perEvent * 4);
        for (long id = 1; id <= 10; id++) {
            store.append(event(id, id <= 5 ? "a" : "b", 0));
        }
        assertTrue(store.bytes() <= perEvent * 4, store.bytes() + " bytes");
        assertEquals(List.of(7L, 8L, 9L, 10L), ids(store, Set.of("b"), 6, 10));
        assertTrue(store.read(Set.of("b"), 5, 10).isEmpty(), "event 6 was dropped");
    }

    @Test
    void aForgottenTopicStillRefusesAReaderFromBeforeWhatItDropped() {
        var store = new InMemoryStore(10, 60 * SECOND, NO_BUDGET);
        store.append(event(1, "gone", 0));
        store.append(event(2, "kept", 50 * SECOND));
        store.trim(61 * SECOND);
        assertTrue(!store.holds("gone") && store.holds("kept"));
        assertTrue(store.read(Set.of("gone"), 0, 10).isEmpty(), "event 1 of the forgotten topic was dropped");
        assertEquals(List.of(), ids(store, Set.of("gone"), 1, 10));
        store.append(event(3, "gone", 60 * SECOND));
        assertTrue(store.read(Set.of("gone"), 0, 10).isEmpty(), "a topic that comes back does not hide the gap");
        assertEquals(List.of(3L), ids(store, Set.of("gone"), 1, 10));
    }

    @Test
    void aReaderRacingAppendsNeverSkipsAnId() throws Exception {
        int events = 20_000;
        var store = new InMemoryStore(events, 60 * SECOND, NO_BUDGET);
        Set<String> topics = Set.of("x", "y", "z");
        AtomicReference<String> problem = new AtomicReference<>();
        AtomicLong reached = new AtomicLong();
        Thread reader = new Thread(() -> {
            long after = 0;
            while (after < events && problem.get() == null) {
                for (StoredEvent event : store.read(topics, after, 16).orElseThrow()) {
                    if (event.id() != after + 1) {
                        problem.set("after " + after + " came " + event.id());
                    }
                    after = event.id();
                }
            }
            reached.set(after);
        });
        reader.start();
        for (long id = 1; id <= events; id++) {
            store.append(event(id, id % 3 == 0 ? "x" : id % 3 == 1 ? "y" : "z", 0));
        }
        reader.join(30_000);
        assertEquals(null, problem.get());
        assertEquals(events, reached.get(), "the reader read every event");
    }

    private static StoredEvent event(long id, String topic, long publishedNanos) {
        return new StoredEvent(id, topic, Frame.event(Long.toString(id), topic, "data " + id), publishedNanos);
    }

    private static List<Long> ids(EventStore store, Set<String> topics, long after, int limit) {
        return store.read(topics, after, limit).orElseThrow().stream().map(StoredEvent::id).toList();
    }
}
