package org.ssehub.events;

import jakarta.ws.rs.sse.SseEventSink;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiConsumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.ssehub.wire.Frame;

/**
 * One open stream. Publishers only put frames, already serialised, into its bounded queue; one drain task at a
 * time writes them to the sink in order. The drain task owns the sink: it alone writes to it and closes it,
 * so nothing is written after a write has failed or the subscriber was disconnected. A subscriber whose queue
 * overflows, or whose write has not finished by the write deadline, is disconnected: it resumes from history.
 */
public final class Subscriber {

    private static final Logger LOG = Logger.getLogger(Subscriber.class.getName());
    private static final long WRITE_IN_PROGRESS_MILLIS = 50;

    private final SseEventSink sink;
    private final String client;
    private final Set<String> topics;
    private final BlockingQueue<Frame> queue;
    private final Executor executor;
    private final BiConsumer<Subscriber, DisconnectReason> onDisconnect;
    private final AtomicBoolean draining = new AtomicBoolean();
    private final AtomicBoolean disconnected = new AtomicBoolean();
    private final ReentrantLock writeLock = new ReentrantLock();
    private volatile boolean sinkClosed;
    private volatile long lastOfferNanos = System.nanoTime();
    private volatile Runnable onWriteFailure = () -> { };
    /** When the write in progress started, or 0 when none is. */
    private volatile long writingSince;

    public Subscriber(SseEventSink sink, String client, Set<String> topics, int queueSize, Executor executor,
            BiConsumer<Subscriber, DisconnectReason> onDisconnect) {
        this.sink = sink;
        this.client = client;
        this.topics = Set.copyOf(topics);
        this.queue = new ArrayBlockingQueue<>(queueSize);
        this.executor = executor;
        this.onDisconnect = onDisconnect;
    }

    public Set<String> topics() {
        return topics;
    }

    /** The address the stream was opened from. */
    public String client() {
        return client;
    }

    /** What ends the request after a failed write; the sink is not touched again. */
    void onWriteFailure(Runnable endRequest) {
        onWriteFailure = endRequest;
    }

    /** Queues {@code event} without waiting; a subscriber whose queue is full is disconnected. */
    public void offer(Frame event) {
        if (disconnected.get()) {
            return;
        }
        lastOfferNanos = System.nanoTime();
        if (queue.offer(event)) {
            scheduleDrain();
        } else {
            disconnect(DisconnectReason.QUEUE_FULL);
        }
    }

    /** Queues {@code event} if nothing was queued for {@code idleNanos}. */
    public void offerIfIdle(Frame event, long idleNanos) {
        if (System.nanoTime() - lastOfferNanos >= idleNanos) {
            offer(event);
        }
    }

    /**
     * Disconnects the subscriber if a write has been in progress for longer than {@code deadlineNanos}. A blocked
     * write cannot be cut short portably: its thread is freed by the container's own write timeout, and the drain
     * task closes the sink once it returns.
     */
    public void checkWriteDeadline(long nowNanos, long deadlineNanos) {
        long since = writingSince;
        if (since != 0 && nowNanos - since > deadlineNanos) {
            disconnect(DisconnectReason.WRITE_TIMEOUT);
        }
    }

    /** Stops delivery; the drain task closes the sink. */
    private void disconnect(DisconnectReason reason) {
        if (disconnected.compareAndSet(false, true)) {
            onDisconnect.accept(this, reason);
            scheduleDrain();
        }
    }

    /** Writes {@code farewell} in the calling thread and closes the stream: for undeploy, when executors stop. */
    public void close(Frame farewell) {
        disconnected.set(true);
        queue.clear();
        writeLock.lock();
        try {
            if (!sinkClosed) {
                send(farewell);
                closeSink();
            }
        } finally {
            writeLock.unlock();
        }
    }

    private void scheduleDrain() {
        if (draining.compareAndSet(false, true)) {
            try {
                executor.execute(this::drain);
            } catch (RejectedExecutionException undeploying) {
                disconnected.set(true);
                writeLock.lock();
                try {
                    closeSink();
                } finally {
                    writeLock.unlock();
                }
            }
        }
    }

    private void drain() {
        writeLock.lock();
        try {
            Frame event;
            while (!disconnected.get() && !sinkClosed && (event = queue.poll()) != null) {
                writingSince = System.nanoTime();
                CompletableFuture<?> sent = send(event);
                if (!sent.isDone()) {
                    sent.whenComplete((ignored, failure) -> afterAsyncSend(failure));
                    return;
                }
                writingSince = 0;
                if (sent.isCompletedExceptionally()) {
                    writeFailed();
                }
            }
            if (disconnected.get()) {
                closeSink();
                return;
            }
        } finally {
            writeLock.unlock();
        }
        draining.set(false);
        if (disconnected.get() || !queue.isEmpty()) {
            scheduleDrain();
        }
    }

    private void afterAsyncSend(Throwable failure) {
        writingSince = 0;
        if (failure != null) {
            writeFailed();
        }
        draining.set(false);
        scheduleDrain();
    }

    /**
     * A sink whose request the container has already ended throws: {@code IllegalStateException} by the spec,
     * and whatever its runtime's internals throw once torn down (HK2's {@code MultiException} on undeploy).
     * Either way the stream is dead, so it counts as a failed write.
     */
    private CompletableFuture<?> send(Frame event) {
        try {
            return sink.send(event).toCompletableFuture();
        } catch (RuntimeException requestEnded) {
            return CompletableFuture.failedFuture(requestEnded);
        }
    }

    /**
     * The container ended the request, or a write failed: the sink must never be touched again, since its
     * response may be recycled for another connection. No write starts after this; one in progress gets a short
     * while to finish. Never longer: the caller may be a container thread that a stalled write itself waits for.
     */
    void requestEnded() {
        sinkClosed = true;
        try {
            if (writeLock.tryLock(WRITE_IN_PROGRESS_MILLIS, TimeUnit.MILLISECONDS)) {
                writeLock.unlock();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        disconnect(DisconnectReason.CLIENT_GONE);
    }

    private void writeFailed() {
        sinkClosed = true;
        disconnect(DisconnectReason.CLIENT_GONE);
        onWriteFailure.run();
    }

    /** Called holding the write lock; a sink whose request ended is left alone. */
    private void closeSink() {
        if (!sinkClosed) {
            sinkClosed = true;
            try {
                sink.close();
            } catch (RuntimeException requestEnded) {
                LOG.log(Level.FINE, "closing a stream the container already ended", requestEnded);
            }
        }
    }
}
