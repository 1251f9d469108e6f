package org.ssehub.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.ssehub.RedisServer;
import org.ssehub.wire.Frame;
import redis.clients.jedis.Jedis;

/** The cluster's store against a real redis-server, with a node that records what the store hands it. */
class RedisStoreTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private RedisServer redis;
    private final List<RedisStore> stores = new ArrayList<>();

    @BeforeEach
    void startRedis() throws Exception {
        redis = RedisServer.start();
    }

    @AfterEach
    void stop() throws Exception {
        stores.forEach(RedisStore::close);
        redis.close();
    }

    /** What a node was handed: each event, and each reset (null topics: all). */
    private static final class Recorder implements RedisStore.Node {
        final Set<String> topics = ConcurrentHashMap.newKeySet();
        final BlockingQueue<Object> handed = new LinkedBlockingQueue<>();
        /** While set, the reader waits in {@link #deliver} until it opens: a node that falls behind. */
        volatile CountDownLatch gate;
        final CountDownLatch held = new CountDownLatch(1);

        Recorder(String... topics) {
            this.topics.addAll(List.of(topics));
        }

        @Override
        public Set<String> topics() {
            return Set.copyOf(topics);
        }

        @Override
        public boolean deliver(Set<String> read, List<StoredEvent> events, long upTo, Set<String> reset) {
            CountDownLatch wait = gate;
            if (wait != null) {
                held.countDown();
                try {
                    wait.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (!read.containsAll(topics)) {
                return false;
            }
            if (reset == null || !reset.isEmpty()) {
                handed.add(reset == null ? "reset all" : "reset " + reset);
            }
            handed.addAll(events);
            synchronized (this) {
                position = Math.max(position, upTo);
                notifyAll();
            }
            return true;
        }

        private long position;

        /** Waits until everything up to {@code id} of the topics read was handed over. */
        synchronized void awaitPosition(long id) throws InterruptedException {
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (position < id) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("the node did not get to " + id + " within " + TIMEOUT + ", it is at " + position);
                }
                wait(TimeUnit.NANOSECONDS.toMillis(left) + 1);
            }
        }

        StoredEvent next() throws InterruptedException {
            Object next = handed.poll(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            if (!(next instanceof StoredEvent event)) {
                throw new AssertionError("expected an event, got " + next);
            }
            return event;
        }

        Object nextOfAnyKind() throws InterruptedException {
            Object next = handed.poll(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            if (next == null) {
                throw new AssertionError("nothing handed over within " + TIMEOUT);
            }
            return next;
        }
    }

    private RedisStore store(Recorder node, int maxPerTopic, Duration timeout) {
        var store = new RedisStore(redis.url(), timeout, maxPerTopic, Duration.ofHours(1), Executors.defaultThreadFactory(), node);
        stores.add(store);
        return store;
    }

    private static String text(StoredEvent event) {
        return new String(event.frame().bytes(), StandardCharsets.UTF_8);
    }

    @Test
    void twoNodesGetEveryEventOfTheirTopicsOnceInIdOrderWithTheSameBytes() throws Exception {
        var a = new Recorder("x", "y");
        var b = new Recorder("y");
        var storeA = store(a, 1000, Duration.ofSeconds(2));
        var storeB = store(b, 1000, Duration.ofSeconds(2));
        List<StoredEvent> published = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            var store = i % 2 == 0 ? storeA : storeB;
            published.add(store.append(i % 3 == 0 ? "x" : "y", Frame.event("n", "line " + i + "\n\nmore")));
        }
        for (int i = 1; i < published.size(); i++) {
            assertTrue(published.get(i).id() > published.get(i - 1).id(), "ids grow across nodes");
        }
        for (StoredEvent expected : published) {
            StoredEvent got = a.next();
            assertEquals(expected.id(), got.id());
            assertEquals(text(expected), text(got));
        }
        for (StoredEvent expected : published.stream().filter(e -> e.topic().equals("y")).toList()) {
            assertEquals(expected.id(), b.next().id());
        }
        assertNull(a.handed.poll(200, TimeUnit.MILLISECONDS), "nothing more, nothing twice");
    }

    @Test
    void aPasswordInTheUrlIsUsedAndAWrongOneIsRefused() throws Exception {
        try (var guarded = RedisServer.start("a-redis-secret")) {
            var node = new Recorder("a");
            try (var store = new RedisStore(guarded.url(), Duration.ofSeconds(2), 100, Duration.ofHours(1),
                    Executors.defaultThreadFactory(), node)) {
                long id = store.append("a", Frame.event("n", "with a password")).id();
                assertEquals(id, node.next().id());
            }
            String wrong = guarded.url().replace("a-redis-secret", "wrong");
            try (var store = new RedisStore(wrong, Duration.ofSeconds(2), 100, Duration.ofHours(1),
                    Executors.defaultThreadFactory(), new Recorder())) {
                assertThrows(StoreUnavailableException.class, () -> store.append("a", Frame.event("n", "refused")));
                assertTrue(!store.available());
            }
        }
    }

    @Test
    void ofTheAppendsThatNameTheSameKeyOnlyTheFirstIsKept() throws Exception {
        var node = new Recorder("ticker");
        var a = store(node, 100, Duration.ofSeconds(2));
        var b = store(new Recorder(), 100, Duration.ofSeconds(2));
        long kept = a.append("ticker", Frame.event("ticker", "12:00:00"), "ticker:1").orElseThrow().id();
        assertTrue(b.append("ticker", Frame.event("ticker", "12:00:00"), "ticker:1").isEmpty());
        long next = b.append("ticker", Frame.event("ticker", "12:00:01"), "ticker:2").orElseThrow().id();
        assertEquals(kept, node.next().id());
        assertEquals(next, node.next().id());
    }

    @Test
    void readsHistoryAfterAnIdAcrossTopicsAndRefusesWhatItDropped() throws Exception {
        var node = new Recorder();
        var store = store(node, 3, Duration.ofSeconds(2));
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(store.append("a", Frame.event("n", "a" + i)).id());
        }
        ids.add(store.append("b", Frame.event("n", "b")).id());
        node.awaitPosition(ids.get(5));
        assertEquals(ids.subList(2, 6), store.read(Set.of("a", "b"), ids.get(1), 10).orElseThrow().stream().map(StoredEvent::id).toList());
        assertTrue(store.read(Set.of("a"), ids.get(0), 10).isEmpty(), "event 2 of a was dropped");
        assertEquals(List.of(ids.get(5)), store.read(Set.of("b"), ids.get(0), 10).orElseThrow().stream().map(StoredEvent::id).toList());
        assertEquals(ids.subList(2, 4), store.read(Set.of("a", "b"), ids.get(1), 2).orElseThrow().stream().map(StoredEvent::id).toList());
    }

    @Test
    void aNodeThatFellBehindWhatRedisKeepsIsToldToReset() throws Exception {
        var node = new Recorder("a");
        var store = store(node, 2, Duration.ofSeconds(2));
        var gate = new CountDownLatch(1);
        node.gate = gate;
        long first = store.append("a", Frame.event("n", "0")).id();
        assertTrue(node.held.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS), "the reader holds the first event");
        List<Long> ids = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            ids.add(store.append("a", Frame.event("n", Integer.toString(i))).id());
        }
        node.gate = null;
        gate.countDown();
        StoredEvent head = node.next();
        assertEquals(first, head.id(), "the reader was held with the first event when the others came");
        assertEquals("reset [a]", node.nextOfAnyKind(), "events 1 to 3 were dropped before this node read them");
        assertEquals(ids.get(3), node.next().id());
        assertEquals(ids.get(4), node.next().id());
    }

    @Test
    void aTopicTakenUpWhileABatchIsReadIsReadFromTheSamePosition() throws Exception {
        var node = new Recorder("y");
        var store = store(node, 100, Duration.ofSeconds(2));
        var gate = new CountDownLatch(1);
        node.gate = gate;
        long y = store.append("y", Frame.event("n", "y")).id();
        assertTrue(node.held.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS), "the reader holds a batch of y");
        long x = store.append("x", Frame.event("n", "x")).id();
        node.topics.add("x");
        node.gate = null;
        gate.countDown();
        assertEquals(y, node.next().id());
        assertEquals(x, node.next().id(), "x's event after the batch's start came too");
        assertNull(node.handed.poll(300, TimeUnit.MILLISECONDS), "nothing twice");
    }

    @Test
    void aTopicTakenUpLaterIsReadFromAboutThenNotFromAnOldPosition() throws Exception {
        var node = new Recorder("quiet");
        var store = store(node, 100, Duration.ofSeconds(2));
        long last = 0;
        for (int i = 0; i < 5; i++) {
            last = store.append("busy", Frame.event("n", "old " + i)).id();
        }
        node.awaitPosition(last);
        node.topics.add("busy");
        long fresh = store.append("busy", Frame.event("n", "new")).id();
        assertEquals(fresh, node.next().id(), "no old event of busy, and no reset");
    }

    @Test
    void publishingFailsWithinTheTimeoutWhileRedisHangsAndWorksWhenItIsBack() throws Exception {
        var node = new Recorder("a");
        var store = store(node, 100, Duration.ofMillis(500));
        store.append("a", Frame.event("n", "before"));
        node.next();
        redis.freeze();
        long start = System.nanoTime();
        assertThrows(StoreUnavailableException.class, () -> store.append("a", Frame.event("n", "during")));
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(3), "failed within the timeout");
        redis.thaw();
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!store.available() && System.nanoTime() < deadline) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
        assertTrue(store.available());
        long after = store.append("a", Frame.event("n", "after")).id();
        StoredEvent got = node.next();
        while (got.id() != after) {
            assertTrue(text(got).contains("data: during"), "only the refused event may come between: " + text(got));
            got = node.next();
        }
    }

    @Test
    void aRedisFlushedUnderAnOpenConnectionMakesEveryStreamReset() throws Exception {
        var node = new Recorder("a");
        var store = store(node, 100, Duration.ofSeconds(2));
        long before = store.append("a", Frame.event("n", "before")).id();
        assertEquals(before, node.next().id());
        try (var jedis = new Jedis(URI.create(redis.url()))) {
            jedis.flushAll();
        }
        assertEquals("reset all", node.nextOfAnyKind(), "the reader noticed the new epoch without reconnecting");
        long after = store.append("a", Frame.event("n", "after")).id();
        assertEquals(after, node.next().id());
    }

    @Test
    void aRedisThatLostItsDataMakesEveryStreamReset() throws Exception {
        var node = new Recorder("a");
        var store = store(node, 100, Duration.ofMillis(500));
        long before = store.append("a", Frame.event("n", "before")).id();
        node.next();
        redis.restartEmpty();
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        long after = -1;
        while (after < 0 && System.nanoTime() < deadline) {
            try {
                after = store.append("a", Frame.event("n", "after")).id();
            } catch (StoreUnavailableException notYet) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
            }
        }
        assertTrue(after > before, "ids never go backwards");
        assertEquals("reset all", node.nextOfAnyKind());
        assertEquals(after, node.next().id());
        assertTrue(store.epoch() > before, "an id from before the loss is not known");
    }
}
