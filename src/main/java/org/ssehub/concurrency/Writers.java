package org.ssehub.concurrency;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The threads that write to streams. A JAX-RS sink may write on the calling thread (Jersey does), and a client
 * that stops reading blocks that write until the container's write timeout. Each task that has run longer than
 * {@link #BLOCKED_NANOS} gets a thread added in its place, so a blocked write costs a thread, never everyone
 * else's delivery; the extra threads go a second after the writes return.
 */
final class Writers {

    private static final long BLOCKED_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private final int base;
    private final Map<Thread, AtomicLong> busySince = new ConcurrentHashMap<>();
    private final ThreadPoolExecutor pool;

    Writers(ThreadFactory factory, int base, int maxBlocked) {
        this.base = base;
        this.pool = new ThreadPoolExecutor(base, base + maxBlocked, 1, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), factory) {
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

    /** Sizes the pool to its base plus one thread per blocked task. */
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
        int size = Math.min(base + blocked, pool.getMaximumPoolSize());
        if (size != pool.getCorePoolSize()) {
            pool.setCorePoolSize(size);
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
