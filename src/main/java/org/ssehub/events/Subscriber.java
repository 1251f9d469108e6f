package org.ssehub.events;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import java.io.IOException;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiConsumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.ssehub.wire.Frame;

/**
 * One open stream, written with the servlet container's non-blocking output, so no write ever waits for a client.
 * Publishers only put frames, already serialised, into its bounded queue. One drainer at a time writes them: a
 * task on the writer pool, or, once the output is not ready, the container's next {@code onWritePossible}. The
 * drainer writes every queued frame and flushes once; it asks {@code isReady()} after each write, as the servlet
 * API requires, and not again before the next drain's first write when the last answer was yes. A subscriber
 * whose queue overflows, or whose output has not become ready again by the write deadline, is disconnected and its
 * request ended: the client resumes from history. Once the container has ended the request, its response is never
 * touched again: it may already serve another connection.
 * <p>
 * Where the container calls {@code onWritePossible} on a thread that is itself an executor, the connection's event
 * loop (Undertow's XNIO I/O threads), every later drain runs on that thread too. Undertow frees a response's pooled
 * buffers on its I/O thread when a write fails, while a writer thread that saw the failure may still be inside the
 * stream: the buffer then passes to another connection mid-write (seen once in {@code AbortIT} on WildFly). Confined
 * to the event loop, the failure and the freeing happen one after the other.
 */
public final class Subscriber implements WriteListener, AsyncListener {

    private static final Logger LOG = Logger.getLogger(Subscriber.class.getName());
    private static final long IN_PROGRESS_MILLIS = 50;

    private final AsyncContext context;
    private final ServletOutputStream out;
    private final String client;
    private final Set<String> topics;
    private final int capacity;
    private final Queue<Frame> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private volatile Executor executor;
    private final BiConsumer<Subscriber, DisconnectReason> onDisconnect;
    /** Held by the one drainer; the container's first {@code onWritePossible} starts as the drainer. */
    private final AtomicBoolean draining = new AtomicBoolean(true);
    private final AtomicBoolean disconnected = new AtomicBoolean();
    private final ReentrantLock writeLock = new ReentrantLock();
    /** Held while {@code complete()} is called. */
    private final ReentrantLock endLock = new ReentrantLock();
    private volatile boolean ended;
    /** Whether frames were written since the last flush; guarded by the write lock. */
    private boolean unflushed;
    /** Whether {@code isReady()} answered true and nothing was written since; guarded by the write lock. */
    private boolean ready;
    private volatile long lastOfferNanos = System.nanoTime();
    /** Since when the output has not been ready, or 0 while it is. */
    private volatile long writingSince;

    public Subscriber(AsyncContext context, String client, Set<String> topics, int capacity, Executor executor,
            BiConsumer<Subscriber, DisconnectReason> onDisconnect) throws IOException {
        this.context = context;
        this.out = context.getResponse().getOutputStream();
        this.client = client;
        this.topics = Set.copyOf(topics);
        this.capacity = capacity;
        this.executor = executor;
        this.onDisconnect = onDisconnect;
    }

    /** Starts writing: the container calls {@link #onWritePossible()} once the response can take bytes. */
    public void start() {
        context.addListener(this);
        out.setWriteListener(this);
    }

    public Set<String> topics() {
        return topics;
    }

    /** The address the stream was opened from. */
    public String client() {
        return client;
    }

    /** Queues {@code frame} without waiting; a subscriber whose queue is full is disconnected. */
    public void offer(Frame frame) {
        if (queue(frame, System.nanoTime())) {
            runDrain();
        }
    }

    /**
     * Queues {@code frame} to every one of {@code subscribers}, then drains those that need it in batches of
     * {@code batch} per task on their executor: one task per subscriber would cost more than the write itself.
     */
    public static void offerAll(Iterable<Subscriber> subscribers, Frame frame, int batch) {
        long now = System.nanoTime();
        Map<Executor, List<Subscriber>> due = new IdentityHashMap<>();
        for (Subscriber subscriber : subscribers) {
            if (subscriber.queue(frame, now)) {
                due.computeIfAbsent(subscriber.executor, executor -> new ArrayList<>()).add(subscriber);
            }
        }
        due.forEach((executor, drains) -> {
            for (int from = 0; from < drains.size(); from += batch) {
                List<Subscriber> some = drains.subList(from, Math.min(from + batch, drains.size()));
                try {
                    executor.execute(() -> some.forEach(Subscriber::drainGuarded));
                } catch (RejectedExecutionException undeploying) {
                    some.forEach(Subscriber::abandon);
                }
            }
        });
    }

    /** Answers whether the caller now holds the drainer's turn and must drain. */
    private boolean queue(Frame frame, long nowNanos) {
        if (disconnected.get()) {
            return false;
        }
        lastOfferNanos = nowNanos;
        if (queued.incrementAndGet() > capacity) {
            queued.decrementAndGet();
            disconnect(DisconnectReason.QUEUE_FULL);
            return false;
        }
        queue.add(frame);
        return draining.compareAndSet(false, true);
    }

    /** Whether nothing was queued for {@code idleNanos}. */
    public boolean idle(long nowNanos, long idleNanos) {
        return nowNanos - lastOfferNanos >= idleNanos;
    }

    /** Disconnects the subscriber and ends its request if its output has not been ready for {@code deadlineNanos}. */
    public void checkWriteDeadline(long nowNanos, long deadlineNanos) {
        long since = writingSince;
        if (since != 0 && nowNanos - since > deadlineNanos && writeLock.tryLock()) {
            try {
                if (writingSince == since) {
                    disconnect(DisconnectReason.WRITE_TIMEOUT);
                    end();
                }
            } finally {
                writeLock.unlock();
            }
        }
    }

    /** Writes {@code farewell} if the output takes it and ends the request: for undeploy, when executors stop. */
    public void close(Frame farewell) {
        disconnected.set(true);
        queue.clear();
        writeLock.lock();
        try {
            if (!ended && (ready || out.isReady())) {
                ready = false;
                out.write(farewell.bytes());
                out.flush();
            }
        } catch (IOException | RuntimeException requestEnded) {
            ended = true;
        } finally {
            writeLock.unlock();
        }
        end();
    }

    private void disconnect(DisconnectReason reason) {
        if (disconnected.compareAndSet(false, true)) {
            queue.clear();
            onDisconnect.accept(this, reason);
            scheduleDrain();
        }
    }

    private void scheduleDrain() {
        if (draining.compareAndSet(false, true)) {
            runDrain();
        }
    }

    private void runDrain() {
        try {
            executor.execute(this::drain);
        } catch (RejectedExecutionException e) {
            abandon();
        }
    }

    /** Stops delivery and ends the request, without telling the registry: on undeploy, or after a failed drain. */
    private void abandon() {
        disconnected.set(true);
        end();
    }

    /** Drains; a failure ends this stream, never the others of its batch. */
    private void drainGuarded() {
        try {
            drain();
        } catch (RuntimeException failed) {
            LOG.log(Level.WARNING, "a stream's drain failed; the stream is ended", failed);
            abandon();
        }
    }

    private void drain() {
        writeLock.lock();
        try {
            writingSince = 0;
            if (!writeQueued()) {
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

    /**
     * Writes the queued frames and flushes. Answers false when this drainer must keep its turn: the output is not
     * ready (the container calls {@link #onWritePossible()} when it is), or the stream is over.
     */
    private boolean writeQueued() {
        try {
            while (!ended) {
                if (disconnected.get()) {
                    end();
                    return false;
                }
                if (!ready) {
                    ready = out.isReady();
                    if (!ready) {
                        writingSince = System.nanoTime();
                        return false;
                    }
                }
                Frame frame = queue.poll();
                if (frame != null) {
                    queued.decrementAndGet();
                    ready = false;
                    out.write(frame.bytes());
                    unflushed = true;
                } else if (unflushed) {
                    ready = false;
                    out.flush();
                    unflushed = false;
                } else {
                    return true;
                }
            }
        } catch (IOException clientGone) {
            LOG.log(Level.FINE, "a write failed: the client went away", clientGone);
            onError(clientGone);
        } catch (RuntimeException refused) {
            LOG.log(Level.WARNING, "the container refused a write; the stream is ended", refused);
            onError(refused);
        }
        return false;
    }

    @Override
    public void onWritePossible() {
        if (Thread.currentThread() instanceof Executor eventLoop && executor != eventLoop) {
            executor = eventLoop;
        }
        drain();
    }

    /** A write failed: the client is gone, or the container refused it. */
    @Override
    public void onError(Throwable failure) {
        disconnect(DisconnectReason.CLIENT_GONE);
        end();
    }

    /**
     * Ends the request unless the container already has. A caller that finds another thread ending it returns at
     * once: the caller may hold a container lock that the other thread's {@code complete()} waits for.
     */
    private void end() {
        if (!endLock.tryLock()) {
            return;
        }
        try {
            if (!ended) {
                ended = true;
                context.complete();
            }
        } catch (IllegalStateException endedMeanwhile) {
            // the container ended it first
        } finally {
            endLock.unlock();
        }
    }

    /**
     * The container ended the request (client gone, error, timeout, completion). No write or {@code complete()}
     * starts after this; one in progress gets a short while to finish. Never longer: the caller may be a container
     * thread holding the lock that the write or {@code complete()} itself waits for.
     */
    private void requestEnded() {
        ended = true;
        awaitRelease(endLock);
        awaitRelease(writeLock);
        disconnect(DisconnectReason.CLIENT_GONE);
    }

    private static void awaitRelease(ReentrantLock lock) {
        try {
            if (lock.tryLock(IN_PROGRESS_MILLIS, TimeUnit.MILLISECONDS)) {
                lock.unlock();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void onComplete(AsyncEvent event) {
        requestEnded();
    }

    @Override
    public void onError(AsyncEvent event) {
        requestEnded();
    }

    @Override
    public void onTimeout(AsyncEvent event) {
        requestEnded();
    }

    @Override
    public void onStartAsync(AsyncEvent event) {
        // a stream is started once
    }
}
