package org.ssehub.topics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.SseEventSink;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.ssehub.events.DisconnectReason;
import org.ssehub.events.Subscriber;
import org.ssehub.wire.Frame;

/**
 * The topic broadcaster and its subscribers against sinks that behave as the runtimes' do: one that completes each
 * send at once, and one whose send never completes, as RESTEasy's does for a client that stopped reading.
 */
class TopicBroadcasterTest {

    private final ExecutorService writers = Executors.newFixedThreadPool(2);
    private final Map<Subscriber, DisconnectReason> ended = new ConcurrentHashMap<>();
    private final Counts counts = new Counts();

    @AfterEach
    void stop() {
        writers.shutdownNow();
    }

    @Test
    void aBroadcastReturnsAtOnceAndReachesHealthySubscribersWhileOneIsStalled() throws Exception {
        var broadcaster = new TopicBroadcaster(writers);
        var healthy = new RecordingSink();
        var stalledSink = new StalledSink();
        Subscriber reader = subscriber(healthy, "t");
        Subscriber stalled = subscriber(stalledSink, "t");
        broadcaster.register(reader);
        broadcaster.register(stalled);

        for (int i = 1; i <= 5; i++) {
            CompletionStage<?> done = broadcaster.broadcast(Frame.event(Integer.toString(i), "e", "d"));
            assertTrue(done.toCompletableFuture().isDone(), "broadcast " + i + " returned before any send completed");
        }
        healthy.awaitContaining("id: 5\n");
        assertTrue(stalledSink.twoSends.await(5, TimeUnit.SECONDS));
        assertEquals(2, stalledSink.sends.size(), "the opening, then one send in flight that never completes");

        stalled.checkWriteDeadline(System.nanoTime() + TimeUnit.SECONDS.toNanos(10), TimeUnit.SECONDS.toNanos(5));
        assertEquals(DisconnectReason.WRITE_TIMEOUT, ended.get(stalled));
        assertEquals(1, broadcaster.size(), "the stalled subscriber is fed no more");
        broadcaster.broadcast(Frame.event("6", "e", "d"));
        healthy.awaitContaining("id: 6\n");
        assertFalse(stalledSink.closed, "its sink is closed once the send in flight returns");
        stalledSink.sends.get(stalledSink.sends.size() - 1).completeExceptionally(new java.io.IOException("timed out"));
        stalledSink.awaitClosed();
        assertEquals(1, ended.size(), "ended once");
    }

    @Test
    void closingOneTopicEndsOnlyTheStreamsNoOtherTopicFeeds() throws Exception {
        var a = new TopicBroadcaster(writers);
        var b = new TopicBroadcaster(writers);
        List<SseEventSink> closedOnA = new CopyOnWriteArrayList<>();
        a.onClose(closedOnA::add);
        var both = new RecordingSink();
        var onlyA = new RecordingSink();
        Subscriber ofBoth = subscriber(both, "a", "b");
        Subscriber ofA = subscriber(onlyA, "a");
        a.register(ofBoth);
        b.register(ofBoth);
        a.register(ofA);

        a.close();
        assertEquals(Set.of(ofBoth, ofA), Set.copyOf(closedOnA));
        onlyA.awaitClosed();
        assertEquals(DisconnectReason.SHUTDOWN, ended.get(ofA));
        assertFalse(ofBoth.isClosed(), "b still feeds it");
        b.broadcast(Frame.event("7", "e", "d"));
        both.awaitContaining("id: 7\n");
    }

    @Test
    void aStreamWhoseWriteFailsUnexpectedlyStillEndsOnceAndIsClosed() throws Exception {
        var broadcaster = new TopicBroadcaster(writers);
        var sink = new FailingSink();
        Subscriber subscriber = subscriber(sink, "t");
        broadcaster.register(subscriber);
        broadcaster.broadcast(Frame.event("1", "e", "d"));
        sink.closed.get(5, TimeUnit.SECONDS);
        assertEquals(Map.of(subscriber, DisconnectReason.ERROR), ended, "counted once, so its connection slot is given back");
        assertEquals(0, broadcaster.size(), "fed no more");
    }

    @Test
    void aStreamWhoseReplayFailsEndsAndIsClosed() throws Exception {
        var sink = new RecordingSink();
        var subscriber = new Subscriber(sink, "client", Set.of("t"), 100, writers, ended::put, counts);
        subscriber.send(Frame.retry("sse-hub", 3000));
        subscriber.replay(replaying -> {
            throw new IllegalStateException("the store cannot be read");
        });
        subscriber.handOver();
        sink.awaitClosed();
        assertEquals(Map.of(subscriber, DisconnectReason.ERROR), ended);
    }

    @Test
    void aStreamPastItsLifetimeEndsWithARetryForItsClientToResume() throws Exception {
        var sink = new RecordingSink();
        Subscriber subscriber = subscriber(sink, "t");
        long now = System.nanoTime();
        subscriber.endAt(now + 1_000);
        assertFalse(subscriber.outlived(now));
        assertTrue(subscriber.outlived(now + 1_000));
        subscriber.closeWith(Frame.retry("lifetime", 4_000), DisconnectReason.LIFETIME).get(5, TimeUnit.SECONDS);
        sink.awaitContaining(": lifetime\nretry: 4000\n\n");
        sink.awaitClosed();
        assertEquals(Map.of(subscriber, DisconnectReason.LIFETIME), ended);
        assertFalse(subscriber.outlived(now + 1_000), "an ended stream is not ended again");
    }

    @Test
    void writtenEventsAreCountedAndOnlyLiveOnesTimed() throws Exception {
        Frame fromHistory = Frame.event("1", "e", "old");
        var sink = new RecordingSink();
        var subscriber = new Subscriber(sink, "client", Set.of("t"), 100, writers, ended::put, counts);
        subscriber.send(Frame.retry("sse-hub", 3000));
        subscriber.replay(replaying -> {
            replaying.replayed(fromHistory);
            replaying.live();
        });
        subscriber.handOver();
        sink.awaitContaining("data: old\n\n");
        Frame live = Frame.event("2", "e", "new");
        subscriber.send(live);
        assertTrue(counts.twoWritten.await(5, TimeUnit.SECONDS), "written " + counts.written);
        assertEquals(1, counts.timed.get(), "the replayed event is not a publish-to-write sample");
        assertEquals(0, counts.dropped.get());
    }

    @Test
    void eventsLeftQueuedWhenAStreamOverflowsAreCountedAsDropped() {
        var subscriber = new Subscriber(new RecordingSink(), "client", Set.of("t"), 3, writers, ended::put, counts);
        subscriber.send(Frame.retry("sse-hub", 3000));
        for (int i = 0; i < 3; i++) {
            subscriber.send(Frame.event(Integer.toString(i), "e", "d"));
        }
        assertEquals(Map.of(subscriber, DisconnectReason.QUEUE_FULL), ended);
        assertEquals(3, counts.dropped.get(), "two queued events and the one that did not fit; the comment is no event");
        assertEquals(0, counts.written.get());
    }

    /** Counts what the subscribers report. */
    private static final class Counts implements Subscriber.Meter {
        final AtomicInteger written = new AtomicInteger();
        final AtomicInteger timed = new AtomicInteger();
        final AtomicInteger dropped = new AtomicInteger();
        final CountDownLatch twoWritten = new CountDownLatch(2);

        @Override
        public void written(int events, long liveNanos) {
            if (liveNanos >= 0) {
                timed.incrementAndGet();
            }
            written.addAndGet(events);
            for (int i = 0; i < events; i++) {
                twoWritten.countDown();
            }
        }

        @Override
        public void dropped(int events) {
            dropped.addAndGet(events);
        }
    }

    private Subscriber subscriber(SseEventSink sink, String... topics) {
        var subscriber = new Subscriber(sink, "client", Set.of(topics), 100, writers, ended::put, counts);
        subscriber.send(Frame.retry("sse-hub", 3000));
        subscriber.handOver();
        return subscriber;
    }

    /** Takes every send at once, like Jersey's sink to a client that reads. */
    private static final class RecordingSink implements SseEventSink {
        private final ByteArrayOutputStream written = new ByteArrayOutputStream();
        private final CompletableFuture<Void> closed = new CompletableFuture<>();

        @Override
        public synchronized CompletionStage<?> send(OutboundSseEvent event) {
            written.writeBytes(((Frame) event).bytes());
            notifyAll();
            return CompletableFuture.completedFuture(null);
        }

        synchronized void awaitContaining(String text) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (!written.toString(StandardCharsets.UTF_8).contains(text)) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    throw new AssertionError("no " + text.strip() + " in " + written.toString(StandardCharsets.UTF_8));
                }
                wait(left);
            }
        }

        void awaitClosed() throws Exception {
            closed.get(5, TimeUnit.SECONDS);
        }

        @Override
        public boolean isClosed() {
            return closed.isDone();
        }

        @Override
        public void close() {
            closed.complete(null);
        }
    }

    /** Fails an event's send with an error no runtime should throw. */
    private static final class FailingSink implements SseEventSink {
        final CompletableFuture<Void> closed = new CompletableFuture<>();

        @Override
        public CompletionStage<?> send(OutboundSseEvent event) {
            if (((Frame) event).isEvent()) {
                throw new StackOverflowError("a bug in the writer");
            }
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public boolean isClosed() {
            return closed.isDone();
        }

        @Override
        public void close() {
            closed.complete(null);
        }
    }

    /** Completes its first send, then none: the client stopped reading. */
    private static final class StalledSink implements SseEventSink {
        final List<CompletableFuture<Void>> sends = new CopyOnWriteArrayList<>();
        final CountDownLatch twoSends = new CountDownLatch(2);
        private final CompletableFuture<Void> closedFuture = new CompletableFuture<>();
        volatile boolean closed;

        @Override
        public CompletionStage<?> send(OutboundSseEvent event) {
            var sent = new CompletableFuture<Void>();
            if (sends.isEmpty()) {
                sent.complete(null);
            }
            sends.add(sent);
            twoSends.countDown();
            return sent;
        }

        void awaitClosed() throws Exception {
            closedFuture.get(5, TimeUnit.SECONDS);
        }

        @Override
        public boolean isClosed() {
            return closed;
        }

        @Override
        public void close() {
            closed = true;
            closedFuture.complete(null);
        }
    }
}
