package org.ssehub.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import java.io.StringReader;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableSet;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.ssehub.DeployedWar;
import org.ssehub.SseStream;
import org.ssehub.SseStream.Frame;

/**
 * Replay is paged through each stream's bounded queue: 50 clients resume, again and again, from the oldest kept id of
 * 32 topics, 31 of them full (1,000 kept events each, the test servers' history; 31,000 events behind, where a stream
 * queues at most 1,000), while another client publishes 100 events/s to the 32nd. Every publish is answered, every
 * resume gets every event after its id exactly once and in order, switching from replay to live events, and no stream
 * is ended for overflowing its queue. A client whose stream is cut resumes from its last id, as EventSource does: on
 * a 2-core machine 50 readers of 31,000 events each are short of CPU, and some fall behind the test servers' 2 s write
 * deadline.
 */
class ReplayIT extends DeployedWar {

    private static final int FULL_TOPICS = 31;
    private static final int KEPT = 1_000;
    private static final int CLIENTS = 50;
    private static final int MAX_CONNECTIONS_PER_RESUME = 20;
    private final AtomicInteger cut = new AtomicInteger();
    private static final int ADDRESSES = 5;
    private static final int LIVE_EVENTS = 800;

    @Test
    void resumesFromTheOldestKeptIdOf32FullTopicsGetEveryEventOnceInOrder() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        List<String> full = IntStream.range(0, FULL_TOPICS).mapToObj(i -> "replay-" + run + "-" + i).toList();
        String live = "replay-" + run + "-live";
        NavigableSet<Long> published = new ConcurrentSkipListSet<>();
        ExecutorService filling = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> filled = new ArrayList<>();
            for (String topic : full) {
                filled.add(filling.submit(() -> {
                    for (int i = 0; i < KEPT; i++) {
                        published.add(publish(topic));
                    }
                    return null;
                }));
            }
            for (Future<?> topic : filled) {
                topic.get(2, TimeUnit.MINUTES);
            }
        } finally {
            filling.shutdownNow();
        }
        long oldest = published.first();
        long newestKept = published.last();
        String query = "api/events?topic=" + String.join("&topic=", full) + "&topic=" + live;
        double queueFull = metric("sse_hub_disconnects_total{reason=\"queue_full\"}");

        ScheduledExecutorService publisher = Executors.newSingleThreadScheduledExecutor();
        AtomicReference<String> publishFailure = new AtomicReference<>("none");
        AtomicInteger livePublished = new AtomicInteger();
        publisher.scheduleAtFixedRate(() -> {
            if (livePublished.get() == LIVE_EVENTS) {
                publisher.shutdown();
                return;
            }
            try {
                published.add(publish(live));
                livePublished.incrementAndGet();
            } catch (Exception | AssertionError e) {
                publishFailure.compareAndSet("none", e.toString());
                publisher.shutdown();
            }
        }, 0, 10, TimeUnit.MILLISECONDS);

        Queue<long[]> resumes = new ConcurrentLinkedQueue<>();
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        try {
            List<Future<Integer>> done = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                String address = "127.0.0." + (30 + c % ADDRESSES);
                done.add(clients.submit(() -> {
                    int resumed = 0;
                    boolean last;
                    do {
                        last = publisher.isShutdown();
                        long target = Math.max(newestKept, published.last());
                        resumes.add(resume(address, query, oldest, target));
                        resumed++;
                    } while (!last);
                    return resumed;
                }));
            }
            for (Future<Integer> client : done) {
                assertTrue(client.get(3, TimeUnit.MINUTES) >= 1);
            }
        } finally {
            publisher.shutdownNow();
            clients.shutdownNow();
        }
        assertEquals("none", publishFailure.get(), "every publish answered");
        assertEquals(LIVE_EVENTS, livePublished.get());

        for (long[] received : resumes) {
            long last = received[received.length - 1];
            List<Long> expected = List.copyOf(published.subSet(oldest, false, last, true));
            assertEquals(expected.size(), received.length, "events after " + oldest + " up to " + last);
            for (int i = 0; i < received.length; i++) {
                if (received[i] != expected.get(i)) {
                    throw new AssertionError("event " + i + " after " + oldest + " was " + received[i] + ", not "
                            + expected.get(i));
                }
            }
        }
        assertEquals(queueFull, metric("sse_hub_disconnects_total{reason=\"queue_full\"}"),
                "no stream overflowed its queue");
        System.out.printf("%d resumes of %d clients, %d streams cut and resumed; %s%n", resumes.size(), CLIENTS, cut.get(), disconnects());
    }

    /**
     * The ids one client gets after {@code oldest}, up to the first at or past {@code target}. Like EventSource, it
     * resumes from the last id it got when the server ends its stream: a reader short of CPU on this 2-core machine
     * may fall behind the write deadline, and is then cut as {@code write_timeout}.
     */
    private long[] resume(String address, String query, long oldest, long target) throws Exception {
        List<Long> ids = new ArrayList<>();
        long id = oldest;
        for (int connection = 1; id < target; connection++) {
            try (SseStream stream = SseStream.openFrom(address, base(), query + "&lastEventId=" + id)) {
                assertEquals(200, stream.status());
                while (id < target) {
                    Frame event;
                    try {
                        event = stream.nextEvent(TIMEOUT);
                    } catch (AssertionError noEvent) {
                        if (stream.ended() && connection < MAX_CONNECTIONS_PER_RESUME) {
                            cut.incrementAndGet();
                            break;
                        }
                        throw new AssertionError(noEvent.getMessage() + " after " + ids.size() + " events, connection "
                                + connection + "; streams ended so far by reason: " + disconnects(), noEvent);
                    }
                    assertNotEquals("reset", event.event(), event.data());
                    id = Long.parseLong(event.id());
                    ids.add(id);
                }
            }
        }
        return ids.stream().mapToLong(Long::longValue).toArray();
    }

    private String disconnects() throws Exception {
        return get("api/metrics").body().lines().filter(line -> line.startsWith("sse_hub_disconnects_total{")).toList().toString();
    }

    private long publish(String topic) throws Exception {
        HttpResponse<String> answer = send(textPublish(topic, "x"));
        assertEquals(201, answer.statusCode(), answer.body());
        return Long.parseLong(Json.createReader(new StringReader(answer.body())).readObject().getString("id"));
    }
}
