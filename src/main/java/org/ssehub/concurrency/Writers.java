package org.ssehub.concurrency;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The threads that write to streams. Stream writes are non-blocking, so a task should never wait; as a guard
 * against a container whose write blocks after all, each task that has run longer than {@link #BLOCKED_NANOS}
 * gets a thread added in its place, so it costs a thread, never everyone else's delivery. The pool is resized, not
 * left to time threads out: steady work handed round the threads would keep every one of them alive.
 */
final class Writers {

    private static final long BLOCKED_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private final int base;
    private final int limit;
    private final Map<Thread, AtomicLong> busySince = new ConcurrentHashMap<>();
    private final ThreadPoolExecutor pool;

    Writers(ThreadFactory factory, int base, int maxBlocked) {
        this.base = base;
        this.limit = base + maxBlocked;
        this.pool = new ThreadPoolExecutor(base, base, 1, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), factory) {
            @Override
            protected void beforeExecute(Thread thread, Runnable task) {
                busySince.computeIfAbsent(thread, t -> new AtomicLong()).set(System.nanoTime());
            }

            @Override
            protected void afterExecute(Runnable task, Throwable failure) {
                busySince.get(Thread.currentThread()).set(0);
            }
        };
        pool.prestartAllCoreThreads();
    }

    void execute(Runnable task) {
        pool.execute(task);
    }

    /** Sizes the pool to its base plus one thread per blocked task; idle threads over that size end at once. */
    void compensate() {
        long now = System.nanoTime();
        int blocked = 0;
        for (var entry : busySince.entrySet()) {
            if (!entry.getKey().isAlive()) {
                busySince.remove(entry.getKey());
                continue;
            }
            long since = entry.getValue().get();
            if (since != 0 && now - since > BLOCKED_NANOS) {
                blocked++;
            }
        }
        int size = Math.min(base + blocked, limit);
        if (size > pool.getMaximumPoolSize()) {
            pool.setMaximumPoolSize(size);
            pool.setCorePoolSize(size);
        } else if (size < pool.getMaximumPoolSize()) {
            pool.setCorePoolSize(size);
            pool.setMaximumPoolSize(size);
        }
    }

    int threads() {
        return pool.getPoolSize();
    }

    /** Stops the threads; a write still blocked is interrupted. */
    boolean stop(long timeout, TimeUnit unit) throws InterruptedException {
        pool.shutdownNow();
        return pool.awaitTermination(timeout, unit);
    }
}
