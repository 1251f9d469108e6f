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
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.ssehub.wire.Frame;

/**
 * One open stream. Publishers only put frames, already serialised, into its bounded queue; one drain task at a
 * time writes them to the sink in order. The drain task owns the sink: it alone writes to it and closes it,
 * so nothing is written after a write has failed or the subscriber was disconnected.
 */
public final class Subscriber {

    private static final Logger LOG = Logger.getLogger(Subscriber.class.getName());
    private static final long WRITE_IN_PROGRESS_MILLIS = 50;

    private final SseEventSink sink;
    private final String client;
    private final Set<String> topics;
    private final BlockingQueue<Frame> queue;
    private final Executor executor;
    private final Consumer<Subscriber> onDisconnect;
    private final AtomicBoolean draining = new AtomicBoolean();
    private final AtomicBoolean disconnected = new AtomicBoolean();
    private final ReentrantLock writeLock = new ReentrantLock();
    private volatile boolean sinkClosed;
    private volatile long lastOfferNanos = System.nanoTime();

    public Subscriber(SseEventSink sink, String client, Set<String> topics, int queueSize, Executor executor,
            Consumer<Subscriber> onDisconnect) {
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

    /** Queues {@code event} without waiting; a subscriber whose queue is full is disconnected. */
    public void offer(Frame event) {
        if (disconnected.get()) {
            return;
        }
        lastOfferNanos = System.nanoTime();
        if (queue.offer(event)) {
            scheduleDrain();
        } else {
            disconnect();
        }
    }

    /** Queues {@code event} if nothing was queued for {@code idleNanos}. */
    public void offerIfIdle(Frame event, long idleNanos) {
        if (System.nanoTime() - lastOfferNanos >= idleNanos) {
            offer(event);
        }
    }

    /** Stops delivery; the drain task closes the sink. */
    public void disconnect() {
        if (disconnected.compareAndSet(false, true)) {
            onDisconnect.accept(this);
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
                CompletableFuture<?> sent = send(event);
                if (!sent.isDone()) {
                    sent.whenComplete((ignored, failure) -> afterAsyncSend(failure));
                    return;
                }
                if (sent.isCompletedExceptionally()) {
                    requestEnded();
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
        if (failure != null) {
            requestEnded();
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
        disconnect();
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
