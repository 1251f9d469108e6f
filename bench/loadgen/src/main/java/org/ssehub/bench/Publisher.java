package org.ssehub.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Publishes {@code "<seq> <sendNanos> xxx…"} bodies on a fixed-rate schedule, at most
 * {@link #IN_FLIGHT} requests at a time (one keep-alive connection while the server keeps up), to the node and topic
 * {@link Targets} gives each sequence number.
 */
final class Publisher {
    static final int IN_FLIGHT = 4;

    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final URI[][] uris;
    private final Targets targets;
    private final List<String[]> headers;
    private final int size;
    private final Semaphore permits = new Semaphore(IN_FLIGHT);
    private final Map<String, Integer> failures = new ConcurrentHashMap<>();
    final AtomicLong sent = new AtomicLong();
    final AtomicLong errors = new AtomicLong();
    private long nextSeq;

    Publisher(Targets targets, List<String[]> headers, int size) {
        this.targets = targets;
        this.uris = new URI[targets.nodes][targets.topics];
        for (int node = 0; node < targets.nodes; node++) {
            for (int t = 0; t < targets.topics; t++) {
                uris[node][t] = targets.publishUri(node, t);
            }
        }
        this.headers = headers;
        this.size = size;
    }

    long nextSeq() {
        return nextSeq;
    }

    /**
     * Publishes {@code warmup} events, then the {@code w.count} events of the window, at {@code rate}
     * per second; runs {@code atStart} when the window begins and {@code atEnd} one period after its
     * last event was due.
     */
    void publish(double rate, int warmup, Window w, Runnable atStart, Runnable atEnd) throws InterruptedException {
        long period = (long) (1e9 / rate);
        long t0 = System.nanoTime() + 1_000_000;
        long total = (long) warmup + w.count;
        for (long k = 0; k < total; k++) {
            parkUntil(t0 + k * period);
            if (k == warmup) {
                atStart.run();
            }
            permits.acquire();
            long seq = nextSeq++;
            send(seq, seq - w.firstSeq >= 0 ? (int) (seq - w.firstSeq) : -1, w);
        }
        parkUntil(t0 + total * period);
        atEnd.run();
    }

    /** Waits until no publish is in flight. */
    void drain(long timeoutSeconds) throws InterruptedException {
        if (permits.tryAcquire(IN_FLIGHT, timeoutSeconds, TimeUnit.SECONDS)) {
            permits.release(IN_FLIGHT);
        }
    }

    Map<String, Integer> failures() {
        return new TreeMap<>(failures);
    }

    private void send(long seq, int index, Window w) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uris[targets.eventNode(seq)][targets.eventTopic(seq)])
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "text/plain");
        for (String[] h : headers) {
            b.header(h[0], h[1]);
        }
        HttpRequest request = b.POST(HttpRequest.BodyPublishers.ofByteArray(payload(seq, System.nanoTime(), size))).build();
        sent.incrementAndGet();
        client.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((response, error) -> {
            boolean ok = error == null && response.statusCode() / 100 == 2;
            if (!ok) {
                errors.incrementAndGet();
                failures.merge(error != null ? Subscribers.kind(error) : "http-" + response.statusCode(), 1, Integer::sum);
            }
            if (index >= 0) {
                w.publishStatus.set(index, ok ? Window.ACCEPTED : Window.FAILED);
            }
            permits.release();
        });
    }

    static byte[] payload(long seq, long sendNanos, int size) {
        byte[] head = (seq + " " + sendNanos).getBytes(StandardCharsets.US_ASCII);
        if (size <= head.length + 1) {
            return head;
        }
        byte[] body = new byte[size];
        Arrays.fill(body, (byte) 'x');
        System.arraycopy(head, 0, body, 0, head.length);
        body[head.length] = ' ';
        return body;
    }

    private static void parkUntil(long deadline) {
        for (long left; (left = deadline - System.nanoTime()) > 0; ) {
            LockSupport.parkNanos(left);
        }
    }
}
