package org.ssehub.events;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.ClientErrorException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.ssehub.concurrency.Scheduler;
import org.ssehub.config.Settings;

/**
 * New streams per client address: a token bucket per address, refilled at {@code SSE_CONNECTS_PER_CLIENT_PER_SECOND}
 * up to {@code SSE_CONNECTS_BURST}. It is the first check of a request for a stream: one that passes takes a token even
 * if it is refused afterwards (a bad topic, a cap), so a client cannot make the hub work hard by asking in a loop. A
 * bucket that has filled up again is forgotten.
 */
@ApplicationScoped
public class ConnectRate {

    static final int TOO_MANY_REQUESTS = 429;

    @Inject
    Settings settings;

    @Inject
    Scheduler scheduler;

    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();
    private double perNano;
    private double burst;

    @PostConstruct
    void start() {
        perNano = settings.connectsPerClientPerSecond() / 1e9;
        burst = settings.connectsBurst();
        scheduler.every(Duration.ofSeconds(1), () -> forgetFull(System.nanoTime()));
    }

    /** Takes a token for a stream from {@code client}, or refuses with 429 and the seconds until the next token. */
    public void acquire(String client) {
        acquire(client, System.nanoTime());
    }

    void acquire(String client, long now) {
        Bucket bucket = buckets.compute(client, (address, last) -> (last == null ? new Bucket(burst, now) : last).take(now, perNano, burst));
        if (!bucket.granted) {
            long seconds = (long) Math.ceil((1 - bucket.tokens) / perNano / 1e9);
            throw new ClientErrorException("more than SSE_CONNECTS_PER_CLIENT_PER_SECOND (" + settings.connectsPerClientPerSecond()
                    + ") new streams per second from this address, beyond a burst of SSE_CONNECTS_BURST (" + settings.connectsBurst() + ")",
                    Response.status(TOO_MANY_REQUESTS).header(HttpHeaders.RETRY_AFTER, seconds).build());
        }
    }

    void forgetFull(long now) {
        buckets.values().removeIf(bucket -> bucket.tokens + (now - bucket.at) * perNano >= burst);
    }

    int size() {
        return buckets.size();
    }

    /** Tokens left at {@code at}, and whether the last request was granted one. */
    private record Bucket(double tokens, long at, boolean granted) {

        Bucket(double tokens, long at) {
            this(tokens, at, true);
        }

        Bucket take(long now, double perNano, double burst) {
            double refilled = Math.min(burst, tokens + (now - at) * perNano);
            return refilled >= 1 ? new Bucket(refilled - 1, now, true) : new Bucket(refilled, now, false);
        }
    }
}
