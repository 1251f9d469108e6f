package org.ssehub.concurrency;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WritersTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final Writers writers = new Writers(Executors.defaultThreadFactory(), 1, 4);

    @AfterEach
    void stop() throws InterruptedException {
        assertTrue(writers.stop(5, TimeUnit.SECONDS));
    }

    @Test
    void aBlockedTaskGetsAThreadInItsPlaceThatGoesOnceItReturnsThoughWorkKeepsComing() throws Exception {
        CountDownLatch blocked = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        writers.execute(() -> {
            blocked.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertTrue(blocked.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));

        CountDownLatch behindIt = new CountDownLatch(1);
        writers.execute(behindIt::countDown);
        compensateUntil("the task queued behind the blocked one runs", () -> behindIt.getCount() == 0);
        assertEquals(2, writers.threads());

        release.countDown();
        compensateUntil("the pool back to one thread under steady work", () -> writers.threads() == 1);
    }

    @Test
    void theItemsOfABatchBehindOneThatBlocksAreCarriedOnByAnotherThread() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch others = new CountDownLatch(3);
        writers.execute(new Batch<>(List.of(0, 1, 2, 3), item -> {
            if (item == 0) {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            } else {
                others.countDown();
            }
        }));
        compensateUntil("the items after the blocked one done", () -> others.getCount() == 0);
        release.countDown();
    }

    /** Compensates after each of a steady stream of tasks until {@code done}. */
    private void compensateUntil(String what, BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!done.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, what + " within " + TIMEOUT);
            CountDownLatch ran = new CountDownLatch(1);
            writers.execute(ran::countDown);
            ran.await(10, TimeUnit.MILLISECONDS);
            writers.compensate();
        }
    }
}
