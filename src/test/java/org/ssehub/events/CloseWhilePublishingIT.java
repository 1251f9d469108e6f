package org.ssehub.events;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.ssehub.DeployedWar;
import org.ssehub.SseStream;

/**
 * 100 threads publish while 100 streams close: nothing deadlocks (every publish is answered, the hub still serves),
 * and every closed stream is counted exactly once. A closed stream is found gone by a failed send, or, when 100
 * publishers fill its queue before the runtime reports the failure, by its full queue: either way, once, and never as
 * an error. The streams come from five addresses, under the test servers' per-address cap.
 */
class CloseWhilePublishingIT extends DeployedWar {

    private static final int STREAMS = 100;
    private static final int PUBLISHERS = 100;
    private static final List<String> FOUND_ENDED = List.of("client_gone", "queue_full", "write_timeout");

    @Test
    void streamsClosingDuringPublishesAreEachCountedOnce() throws Exception {
        String topic = "close-" + UUID.randomUUID();
        try (SseStream ticker = stream("api/events")) {
            double ended = foundEnded();
            double errors = disconnects("error");
            double connections = metric("sse_hub_connections");
            List<SseStream> streams = new ArrayList<>();
            for (int i = 0; i < STREAMS; i++) {
                streams.add(SseStream.openFrom("127.0.0." + (20 + i % 5), base(), "api/events?topic=" + topic));
            }
            for (SseStream stream : streams) {
                assertEquals(200, stream.status());
                stream.next(TIMEOUT);
            }
            assertEquals(STREAMS, subscribers(topic));

            ExecutorService publishers = Executors.newFixedThreadPool(PUBLISHERS);
            AtomicBoolean closing = new AtomicBoolean(true);
            CountDownLatch started = new CountDownLatch(PUBLISHERS);
            List<Future<Integer>> answers = new ArrayList<>();
            try {
                for (int i = 0; i < PUBLISHERS; i++) {
                    answers.add(publishers.submit(() -> {
                        started.countDown();
                        int published = 0;
                        while (closing.get() || published == 0) {
                            var answer = send(textPublish(topic, "x"));
                            assertEquals(201, answer.statusCode(), () -> answer.body() + " " + answer.headers().map());
                            published++;
                        }
                        return published;
                    }));
                }
                started.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                for (SseStream stream : streams) {
                    stream.close();
                }
                await("every closed stream noticed", TIMEOUT, ticker, () -> subscribers(topic) == 0);
                closing.set(false);
                for (Future<Integer> answered : answers) {
                    answered.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                }
            } finally {
                closing.set(false);
                publishers.shutdownNow();
            }
            assertEquals(ended + STREAMS, foundEnded(), "each closed stream counted once");
            assertEquals(errors, disconnects("error"), "no stream counted as an error");
            assertEquals(connections, metric("sse_hub_connections"));
        }
    }

    private double foundEnded() throws Exception {
        double sum = 0;
        for (String reason : FOUND_ENDED) {
            sum += disconnects(reason);
        }
        return sum;
    }

    private double disconnects(String reason) throws Exception {
        return metric("sse_hub_disconnects_total{reason=\"" + reason + "\"}");
    }
}
