package org.ssehub.concurrency;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The threads that send to streams. On Jersey a send writes on the calling thread and blocks while its client does
 * not read, until the container's write timeout fails it; so each task that has run longer than
 * {@link #BLOCKED_NANOS} gets a thread added in its place, and a {@link Batch} it was working through is carried on
 * by another thread: a stalled client costs a thread for that long, never everyone else's delivery. The pool is
 * resized, not left to time threads out: steady work handed round the threads would keep every one of them alive.
 */
final class Writers {

    private static final long BLOCKED_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    /** What one thread is running, since when, and whether its batch has been handed on. */
    private static final class Busy {
        volatile long since;
        volatile Runnable task;
        volatile boolean handedOn;
    }

    private final int base;
    private final int limit;
    private final Map<Thread, Busy> busy = new ConcurrentHashMap<>();
    private final ThreadPoolExecutor pool;

    Writers(ThreadFactory factory, int base, int maxBlocked) {
        this.base = base;
        this.limit = base + maxBlocked;
        this.pool = new ThreadPoolExecutor(base, base, 1, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), factory) {
            @Override
            protected void beforeExecute(Thread thread, Runnable task) {
                Busy now = busy.computeIfAbsent(thread, t -> new Busy());
                now.task = task;
                now.handedOn = false;
                now.since = System.nanoTime();
            }

            @Override
            protected void afterExecute(Runnable task, Throwable failure) {
                Busy now = busy.get(Thread.currentThread());
                now.since = 0;
                now.task = null;
            }
        };
        pool.prestartAllCoreThreads();
    }

    void execute(Runnable task) {
        pool.execute(task);
    }

    /**
     * Sizes the pool to its base plus one thread per blocked task, idle threads over that size ending at once, and
     * hands the rest of each blocked batch on to another thread.
     */
    void compensate() {
        long now = System.nanoTime();
        int blocked = 0;
        for (var entry : busy.entrySet()) {
            if (!entry.getKey().isAlive()) {
                busy.remove(entry.getKey());
                continue;
            }
            long since = entry.getValue().since;
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
        for (Busy thread : busy.values()) {
            long since = thread.since;
            if (since != 0 && now - since > BLOCKED_NANOS && !thread.handedOn
                    && thread.task instanceof Batch<?> batch && batch.hasItemsLeft()) {
                thread.handedOn = true;
                pool.execute(batch);
            }
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
