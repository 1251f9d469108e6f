package org.ssehub.events;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import jakarta.ws.rs.ClientErrorException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.ssehub.concurrency.Scheduler;
import org.ssehub.config.Settings;

class ConnectRateTest {

    private static final long SECOND = Duration.ofSeconds(1).toNanos();

    @Test
    void anAddressGetsItsBurstThenItsRateAndOthersAreUnaffected() {
        ConnectRate rate = rate(2, 5);
        long start = 1_000 * SECOND;
        for (int i = 0; i < 5; i++) {
            rate.acquire("10.0.0.1", start);
        }
        var refused = assertThrows(ClientErrorException.class, () -> rate.acquire("10.0.0.1", start));
        assertEquals(429, refused.getResponse().getStatus());
        assertEquals("1", refused.getResponse().getHeaderString("Retry-After"));
        assertDoesNotThrow(() -> rate.acquire("10.0.0.2", start), "another address has its own bucket");
        assertDoesNotThrow(() -> rate.acquire("10.0.0.1", start + SECOND / 2), "one token back after half a second at 2/s");
        assertThrows(ClientErrorException.class, () -> rate.acquire("10.0.0.1", start + SECOND / 2));
        assertThrows(ClientErrorException.class, () -> rate.acquire("10.0.0.1", start + SECOND / 2 + SECOND / 4),
                "a refused request takes no token, and the bucket fills at its rate all the same");
        assertDoesNotThrow(() -> rate.acquire("10.0.0.1", start + SECOND));
    }

    @Test
    void bucketsThatFilledUpAreForgotten() {
        ConnectRate rate = rate(10, 20);
        rate.acquire("10.0.0.1", 0);
        rate.acquire("10.0.0.2", 0);
        for (int i = 0; i < 19; i++) {
            rate.acquire("10.0.0.2", 0);
        }
        rate.forgetFull(SECOND / 10);
        assertEquals(1, rate.size(), "the bucket one short of full after 0.1 s is forgotten, the empty one kept");
        rate.forgetFull(2 * SECOND);
        assertEquals(0, rate.size());
    }

    private static ConnectRate rate(int perSecond, int burst) {
        var rate = new ConnectRate();
        rate.settings = Settings.from(Map.of("SSE_CONNECTS_PER_CLIENT_PER_SECOND", String.valueOf(perSecond),
                "SSE_CONNECTS_BURST", String.valueOf(burst))::get);
        rate.scheduler = new Scheduler() {
            @Override
            public void every(Duration period, Runnable task) {
            }
        };
        rate.start();
        return rate;
    }
}
