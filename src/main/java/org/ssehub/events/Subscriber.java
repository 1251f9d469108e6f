package org.ssehub.events;

import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.SseEventSink;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.ssehub.concurrency.Batch;
import org.ssehub.wire.Frame;

/**
 * One open stream: the runtime's {@code SseEventSink} behind a bounded queue, so that no publisher ever waits for a
 * client. It is the sink registered with the broadcaster of each of its topics, so a stream of several topics has one
 * queue, gets its events in id order, and ends once. Frames are only queued; one drainer at a time, on a writer
 * thread, hands everything queued to the runtime in a single {@code send} (one write, one flush), and the next send
 * starts only when the runtime has completed the last: at most one send is in flight. On Jersey a send writes on the
 * drainer's thread and blocks while the client does not read; on RESTEasy it completes later. A subscriber whose queue
 * overflows, or whose send has been in flight past the write deadline, is ended at once: fed no more, its topics and
 * connection slot given back. Its sink is closed when the send in flight returns, which for a client that stopped
 * reading is when the container's own write timeout fails it. A resuming stream takes its missed events from its
 * {@link Backlog} a page at a time, within the same bound, before it takes live ones.
 */
public final class Subscriber implements SseEventSink {

    private static final Logger LOG = Logger.getLogger(Subscriber.class.getName());
    /** Queued events beyond this many bytes wait for the next send. */
    private static final int MAX_SEND_BYTES = 64 * 1024;
    private static final int DRAINS_PER_TASK = 64;
    private static final CompletableFuture<Void> SENT = CompletableFuture.completedFuture(null);

    private final SseEventSink sink;
    private final String client;
    private final Set<String> topics;
    private final int capacity;
    private final Executor writers;
    private final BiConsumer<Subscriber, DisconnectReason> onEnd;
    private final Meter meter;
    private final Set<Feed> feeds = ConcurrentHashMap.newKeySet();
    private final Queue<Frame> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    /**
     * Held by the one drainer, from taking the turn until the queue is empty or the last send completes. It is held
     * from the start until {@link #handOver()}.
     */
    private final AtomicBoolean draining = new AtomicBoolean(true);
    private final AtomicBoolean ended = new AtomicBoolean();
    private final AtomicBoolean handedOver = new AtomicBoolean();
    private final CompletableFuture<Void> closed = new CompletableFuture<>();
    private volatile Frame farewell;
    /** Where a resuming stream's missed events come from until it takes live events, or null once it does. */
    private volatile Backlog backlog;
    private volatile long lastOfferNanos = System.nanoTime();
    /** When the send in flight started, or 0 when none is. */
    private volatile long sendingSince;
    /** Broadcast events up to this id are dropped: the client has them already. */
    private volatile long skipUpTo = -1;
    /** When the stream has lived long enough, on the clock of {@link System#nanoTime()}. */
    private volatile long endsAtNanos = System.nanoTime() + Long.MAX_VALUE / 2;
    /** When the stream's credential stops being accepted, on the same clock; far off for a public stream. */
    private volatile long expiresAtNanos = System.nanoTime() + Long.MAX_VALUE / 2;
    /** Events the hub took in from then on reach this stream live, not from history. */
    private volatile long liveSinceNanos = System.nanoTime();
    /** The frame of the send in flight, kept only until it completes. */
    private volatile Frame sending;

    /** What the stream's writes and losses are counted by. */
    public interface Meter {
        /**
         * {@code events} were handed to the runtime in one send; {@code liveNanos} is how long ago the hub took in the
         * first of them, or -1 if it came from history.
         */
        void written(int events, long liveNanos);

        /** {@code events} queued for the stream were never written: it ended first. */
        void dropped(int events);
    }

    /** What feeds a subscriber events: told when the subscriber ends, so it feeds it no more. */
    public interface Feed {
        void ended(Subscriber subscriber, DisconnectReason reason);
    }

    /**
     * The events a resuming stream missed, handed over a page at a time: the drainer asks for more whenever the queue
     * has run empty, so a stream never holds more than its queue's bound, whatever its backlog. Until the backlog calls
     * {@link #live()}, live events broadcast to the stream are not queued: the backlog has them too.
     */
    public interface Backlog {
        /** Queues the next page with {@link #replayed}, or what is left and then {@link #live()}. */
        void refill(Subscriber subscriber);
    }

    public Subscriber(SseEventSink sink, String client, Set<String> topics, int capacity, Executor writers,
            BiConsumer<Subscriber, DisconnectReason> onEnd, Meter meter) {
        this.sink = sink;
        this.client = client;
        this.topics = Set.copyOf(topics);
        this.capacity = capacity;
        this.writers = writers;
        this.onEnd = onEnd;
        this.meter = meter;
    }

    public Set<String> topics() {
        return topics;
    }

    /** The address the stream was opened from. */
    public String client() {
        return client;
    }

    /**
     * Starts sending: what was queued since the stream was registered (the opening comment and {@code retry:}, any
     * replay or {@code reset}, live events) goes out on the writer threads. Until then the turn is held, so nothing is
     * sent while the request's thread is still answering the request in the runtime. On Jersey that thread resumes
     * the request after the resource method returns and commits the headers; a send before that was either written
     * by that thread (blocking it on a client that does not read, while the hub's sends seemed complete) or closed
     * the sink ({@code ResumeIT}, {@code StalledReaderIT} on Tomcat).
     */
    public void handOver() {
        if (handedOver.compareAndSet(false, true)) {
            runDrain();
        }
    }

    /** Replays {@code backlog} before live events: set before {@link #handOver()}. */
    public void replay(Backlog backlog) {
        this.backlog = backlog;
    }

    /** Queues a frame of the backlog; answers false if the stream has ended. */
    public boolean replayed(Frame frame) {
        queue(frame, System.nanoTime(), false);
        return !ended.get();
    }

    /**
     * The client has every event up to {@code sequence} already, and the hub's live events have not reached it yet
     * (another node of a cluster delivered it first): broadcast events up to it are dropped.
     */
    public void skipUpTo(long sequence) {
        skipUpTo = sequence;
    }

    /** The backlog is done: broadcast events are queued from now on. */
    public void live() {
        liveSinceNanos = System.nanoTime();
        backlog = null;
    }

    /** How many more frames the queue takes before it overflows. */
    public int room() {
        return capacity - queued.get();
    }

    /** Frames waiting to be sent. */
    public int queued() {
        return Math.max(0, queued.get());
    }

    /** How long the send in flight has taken so far, or 0. */
    public long sendingForNanos(long nowNanos) {
        long since = sendingSince;
        return since == 0 ? 0 : Math.max(0, nowNanos - since);
    }

    /** Registers {@code feed} to be told when this subscriber ends; answers false if it already has. */
    public boolean fedBy(Feed feed) {
        feeds.add(feed);
        if (ended.get()) {
            feeds.remove(feed);
            return false;
        }
        return true;
    }

    /** {@code feed} feeds this subscriber no more; with {@code closeIfLast}, the stream ends if nothing else does. */
    public void released(Feed feed, boolean closeIfLast) {
        if (feeds.remove(feed) && closeIfLast && feeds.isEmpty()) {
            end(DisconnectReason.SHUTDOWN);
        }
    }

    /** Queues a {@link Frame} without waiting; a subscriber whose queue is full is ended. */
    @Override
    public CompletionStage<?> send(OutboundSseEvent event) {
        if (!(event instanceof Frame frame)) {
            throw new IllegalArgumentException("a stream of sse-hub sends only frames it serialised itself");
        }
        if (isClosed()) {
            throw new IllegalStateException("the stream has ended");
        }
        if (queue(frame, System.nanoTime(), false)) {
            runDrain();
        }
        return SENT;
    }

    /**
     * Queues {@code frame} to every one of {@code subscribers}, then drains those that need it in batches per task
     * on {@code writers}: a task per subscriber would cost more than the send itself. Should a drain block, the rest
     * of its batch goes on on another thread.
     */
    public static void sendAll(Iterable<Subscriber> subscribers, Frame frame, Executor writers) {
        long now = System.nanoTime();
        List<Subscriber> due = new ArrayList<>();
        for (Subscriber subscriber : subscribers) {
            if (subscriber.queue(frame, now, true)) {
                due.add(subscriber);
            }
        }
        for (int from = 0; from < due.size(); from += DRAINS_PER_TASK) {
            var drains = new Batch<>(due.subList(from, Math.min(from + DRAINS_PER_TASK, due.size())), Subscriber::drain);
            try {
                writers.execute(drains);
            } catch (RejectedExecutionException undeploying) {
                drains.run();
            }
        }
    }

    /**
     * Answers whether the caller now holds the drainer's turn and must drain. A {@code broadcast} event is dropped
     * while the stream replays: its backlog has it.
     */
    private boolean queue(Frame frame, long nowNanos, boolean broadcast) {
        if (ended.get() || (broadcast && frame.isEvent() && (backlog != null || skipped(frame)))) {
            return false;
        }
        lastOfferNanos = nowNanos;
        if (queued.incrementAndGet() > capacity) {
            meter.dropped(frame.events());
            frame.tallyDropped();
            end(DisconnectReason.QUEUE_FULL);
            return false;
        }
        queue.add(frame);
        return draining.compareAndSet(false, true);
    }

    private boolean skipped(Frame event) {
        long sequence = event.sequence();
        return sequence >= 0 && sequence <= skipUpTo;
    }

    /** Whether nothing was queued for {@code idleNanos}. */
    public boolean idle(long nowNanos, long idleNanos) {
        return nowNanos - lastOfferNanos >= idleNanos;
    }

    /** Ends the subscriber if its send in flight started more than {@code deadlineNanos} ago. */
    public void checkWriteDeadline(long nowNanos, long deadlineNanos) {
        long since = sendingSince;
        if (since != 0 && nowNanos - since > deadlineNanos) {
            end(DisconnectReason.WRITE_TIMEOUT);
        }
    }

    @Override
    public boolean isClosed() {
        return ended.get();
    }

    /** Ends the stream without a last frame. */
    @Override
    public void close() {
        end(DisconnectReason.SHUTDOWN);
    }

    /**
     * Ends the stream after {@code last} (for undeploy: a jittered {@code retry:}), unless it has ended already.
     * Completes when the runtime's sink is closed.
     */
    public CompletableFuture<Void> closeWith(Frame last) {
        return closeWith(last, DisconnectReason.SHUTDOWN);
    }

    /** Ends the stream after what was queued for it and then {@code last}, for {@code reason}. */
    public CompletableFuture<Void> closeWith(Frame last, DisconnectReason reason) {
        farewell = last;
        end(reason);
        handOver();
        return closed;
    }

    /** The stream is to end at {@code nanos} on the clock of {@link System#nanoTime()}: see {@link #outlived}. */
    public void endAt(long nanos) {
        endsAtNanos = nanos;
    }

    /** Whether the time given by {@link #endAt} has come, and the stream has not ended yet. */
    public boolean outlived(long nowNanos) {
        return nowNanos - endsAtNanos >= 0 && !ended.get();
    }

    /** The stream's credential stops being accepted at {@code nanos}: see {@link #expired}. */
    public void expireAt(long nanos) {
        expiresAtNanos = nanos;
    }

    /** Whether the time given by {@link #expireAt} has come, and the stream has not ended yet. */
    public boolean expired(long nowNanos) {
        return nowNanos - expiresAtNanos >= 0 && !ended.get();
    }

    /**
     * Ends the subscriber once: nothing more is queued, its feeds and the registry are told, then the sink closes.
     * A stream closed with a farewell still gets what was queued before it; any other drops it.
     */
    private void end(DisconnectReason reason) {
        if (!ended.compareAndSet(false, true)) {
            return;
        }
        if (farewell == null) {
            discardQueue();
        }
        onEnd.accept(this, reason);
        feeds.forEach(feed -> feed.ended(this, reason));
        feeds.clear();
        if (draining.compareAndSet(false, true)) {
            runDrain();
        }
    }

    private void runDrain() {
        try {
            writers.execute(this::drain);
        } catch (RejectedExecutionException undeploying) {
            drain();
        }
    }

    /** Runs while holding the drainer's turn; returns when it has given the turn up or left it to a send in flight. */
    private void drain() {
        try {
            while (true) {
                if (ended.get() && (farewell == null || queue.isEmpty())) {
                    closeSink();
                    return;
                }
                Frame next = nextSend();
                Backlog pending = backlog;
                if (next == null && pending != null) {
                    refill(pending);
                    continue;
                }
                if (next == null) {
                    draining.set(false);
                    if ((queue.isEmpty() && !ended.get()) || !draining.compareAndSet(false, true)) {
                        return;
                    }
                    continue;
                }
                sendingSince = System.nanoTime() | 1;
                sending = next;
                CompletableFuture<?> sent = sink.send(next).toCompletableFuture();
                if (!sent.isDone()) {
                    sent.whenComplete(this::sendCompleted);
                    return;
                }
                sendingSince = 0;
                sending = null;
                if (sent.isCompletedExceptionally()) {
                    lost(next);
                    failed(DisconnectReason.CLIENT_GONE);
                } else {
                    written(next);
                }
            }
        } catch (RuntimeException refused) {
            sendingSince = 0;
            lost(sending);
            sending = null;
            LOG.log(Level.FINE, "the runtime refused a send: the stream has ended", refused);
            failed(DisconnectReason.CLIENT_GONE);
            closeSink();
        } catch (Error failure) {
            sendingSince = 0;
            lost(sending);
            sending = null;
            LOG.log(Level.WARNING, "SSEHUB-0301: a stream failed while it was written to; it ends and its client resumes", failure);
            failed(DisconnectReason.ERROR);
            closeSink();
        }
    }

    /** A backlog that fails ends the stream, whose client then resumes from the last event it got. */
    private void refill(Backlog pending) {
        try {
            pending.refill(this);
        } catch (RuntimeException failure) {
            LOG.log(Level.WARNING, "SSEHUB-0302: replaying a stream's missed events failed; it ends and its client resumes", failure);
            end(DisconnectReason.ERROR);
        }
    }

    /** A send that did not complete at once has: the drainer, which kept its turn, goes on on a writer thread. */
    private void sendCompleted(Object result, Throwable failure) {
        sendingSince = 0;
        Frame sent = sending;
        sending = null;
        if (failure != null) {
            lost(sent);
            failed(DisconnectReason.CLIENT_GONE);
        } else {
            written(sent);
        }
        runDrain();
    }

    /** Nothing more can be sent: no farewell, nothing left queued. */
    private void failed(DisconnectReason reason) {
        farewell = null;
        discardQueue();
        end(reason);
    }

    private void discardQueue() {
        int events = 0;
        for (Frame frame; (frame = queue.poll()) != null; ) {
            events += frame.events();
            frame.tallyDropped();
        }
        if (events > 0) {
            meter.dropped(events);
        }
    }

    /** A frame whose send failed: its events never reached the client. */
    private void lost(Frame frame) {
        if (frame != null && frame.events() > 0) {
            meter.dropped(frame.events());
            frame.tallyDropped();
        }
    }

    private void written(Frame frame) {
        if (frame.events() > 0) {
            long taken = frame.takenInNanos();
            meter.written(frame.events(), taken - liveSinceNanos >= 0 ? System.nanoTime() - taken : -1);
            frame.tallyWritten();
        }
    }

    /** What the next send carries: one comment frame, or all the queued event frames up to {@link #MAX_SEND_BYTES}. */
    private Frame nextSend() {
        Frame first = queue.poll();
        if (first == null) {
            return null;
        }
        queued.decrementAndGet();
        if (!first.isEvent()) {
            return first;
        }
        List<Frame> events = null;
        int bytes = first.length();
        for (Frame next = queue.peek(); next != null && next.isEvent() && bytes + next.length() <= MAX_SEND_BYTES;
                next = queue.peek()) {
            queue.poll();
            queued.decrementAndGet();
            if (events == null) {
                events = new ArrayList<>();
                events.add(first);
            }
            events.add(next);
            bytes += next.length();
        }
        return events == null ? first : Frame.join(events);
    }

    /** The drainer's last act: the farewell, if any and the client still reads, then the runtime's close. */
    private void closeSink() {
        if (closed.isDone()) {
            return;
        }
        Frame last = farewell;
        try {
            if (!sink.isClosed()) {
                if (last != null) {
                    sendFarewell(last);
                }
                sink.close();
            }
        } catch (RuntimeException alreadyClosed) {
            LOG.log(Level.FINE, "closing a stream that had ended", alreadyClosed);
        } finally {
            closed.complete(null);
        }
    }

    /** A farewell the runtime refuses (the client left, the app is stopping) still lets the sink close. */
    private void sendFarewell(Frame last) {
        try {
            sink.send(last);
        } catch (RuntimeException refused) {
            LOG.log(Level.FINE, "a stream's farewell was refused", refused);
        }
    }
}
