package org.ssehub.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.ssehub.DeployedWar;
import org.ssehub.RedisServer;
import org.ssehub.SseStream;

/**
 * Two nodes of sse-hub on one real redis-server, as behind a load balancer: what is published on either reaches the
 * subscribers of both, in one order, and a client that moves between them, or outlives a Redis outage, misses
 * nothing without being told. The runtime-specific subclasses say how the two nodes are deployed.
 */
abstract class ClusterTests {

    static final Duration TIMEOUT = DeployedWar.TIMEOUT;
    static final RedisServer REDIS = startRedis();
    /** SSE_REDIS_TIMEOUT_MILLIS of the nodes, for taking a connection and then for the call, and a margin. */
    private static final Duration REFUSED_WITHIN = Duration.ofMillis(1000 * 3 + 1000);
    /** Between two looks at a state that sends no event when it changes (health, Redis coming back). */
    private static final Duration POLL = Duration.ofMillis(20);
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(TIMEOUT).build();

    /** The context root of node A and of node B, each ending with {@code /}. */
    abstract URI nodeA();

    abstract URI nodeB();

    private static RedisServer startRedis() {
        try {
            return RedisServer.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The settings of each node: the cluster's Redis, and a short Redis timeout so outages show at once. */
    static Map<String, String> nodeSettings() {
        return Map.of("SSE_REDIS_URL", REDIS.url(), "SSE_REDIS_TIMEOUT_MILLIS", "1000");
    }

    @AfterAll
    static void stopRedis() throws IOException {
        REDIS.close();
    }

    @Test
    void subscribersOnBothNodesGetEveryEventPublishedOnEitherOnceInOneOrder() throws Exception {
        String topic = "cluster-" + UUID.randomUUID();
        List<SseStream> streams = new ArrayList<>();
        try {
            for (URI node : List.of(nodeA(), nodeA(), nodeB(), nodeB())) {
                streams.add(open(node, "api/events?topic=" + topic));
            }
            List<String> published = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                HttpResponse<String> answer = publish(i % 2 == 0 ? nodeA() : nodeB(), topic, "event " + i);
                assertEquals(201, answer.statusCode(), answer.body());
                published.add(id(answer));
            }
            for (SseStream stream : streams) {
                List<String> got = new ArrayList<>();
                for (int i = 0; i < published.size(); i++) {
                    SseStream.Frame event = stream.nextEvent(TIMEOUT);
                    assertEquals("event " + got.size(), event.data());
                    got.add(event.id());
                }
                assertEquals(published, got);
            }
        } finally {
            for (SseStream stream : streams) {
                stream.close();
            }
        }
    }

    @Test
    void aClientThatMovesToTheOtherNodeResumesThereMissingNothing() throws Exception {
        String one = "cluster-one-" + UUID.randomUUID();
        String two = "cluster-two-" + UUID.randomUUID();
        String topics = "api/events?topic=" + one + "&topic=" + two;
        List<String> published = new ArrayList<>();
        String seen;
        try (SseStream onA = open(nodeA(), topics)) {
            for (int i = 0; i < 20; i++) {
                published.add(id(publish(i % 2 == 0 ? nodeA() : nodeB(), i % 3 == 0 ? one : two, "first " + i)));
            }
            for (int i = 0; i < 10; i++) {
                assertEquals(published.get(i), onA.nextEvent(TIMEOUT).id());
            }
            seen = published.get(9);
        }
        for (int i = 0; i < 10; i++) {
            published.add(id(publish(i % 2 == 0 ? nodeB() : nodeA(), i % 2 == 0 ? one : two, "second " + i)));
        }
        try (SseStream byHeader = open(nodeB(), topics, "Last-Event-ID: " + seen);
                SseStream byQuery = open(nodeB(), topics + "&lastEventId=" + seen)) {
            for (SseStream resumed : List.of(byHeader, byQuery)) {
                for (String expected : published.subList(10, published.size())) {
                    assertEquals(expected, resumed.nextEvent(TIMEOUT).id());
                }
            }
            String last = id(publish(nodeA(), one, "live"));
            assertEquals(last, byHeader.nextEvent(TIMEOUT).id(), "live again after the replay, nothing twice");
            assertEquals(last, byQuery.nextEvent(TIMEOUT).id());
        }
    }

    @Test
    void aNodesFirstSubscriberOfATopicResumesWhilePublishingGoesOnAndMissesNothing() throws Exception {
        String topic = "cluster-resume-" + UUID.randomUUID();
        List<String> published = new CopyOnWriteArrayList<>();
        for (int i = 0; i < 50; i++) {
            published.add(id(publish(nodeA(), topic, "before " + i)));
        }
        ExecutorService publisher = Executors.newSingleThreadExecutor();
        try {
            Future<?> publishing = publisher.submit(() -> {
                for (int i = 0; i < 300; i++) {
                    published.add(id(publish(nodeA(), topic, "during " + i)));
                }
                return null;
            });
            String from = published.get(9);
            try (SseStream resumed = open(nodeB(), "api/events?topic=" + topic, "Last-Event-ID: " + from)) {
                publishing.get();
                for (String expected : published.subList(10, published.size())) {
                    SseStream.Frame event = resumed.nextEvent(TIMEOUT);
                    assertEquals(expected, event.id(), "replay and live events, each once, in order");
                }
            }
        } finally {
            publisher.shutdownNow();
        }
    }

    @Test
    void aClientWhoseIdTheOtherNodeHasNotReadYetGetsNothingTwice() throws Exception {
        String topic = "cluster-race-" + UUID.randomUUID();
        try (SseStream onA = open(nodeA(), "api/events?topic=" + topic)) {
            for (int round = 0; round < 20; round++) {
                String id = id(publish(nodeA(), topic, "round " + round));
                assertEquals(id, onA.nextEvent(TIMEOUT).id());
                try (SseStream onB = open(nodeB(), "api/events?topic=" + topic, "Last-Event-ID: " + id)) {
                    String next = id(publish(nodeB(), topic, "after " + round));
                    SseStream.Frame event = onB.nextEvent(TIMEOUT);
                    assertEquals(next, event.id(), "round " + round + ": the first event after the one the client has");
                    assertEquals(next, onA.nextEvent(TIMEOUT).id());
                }
            }
        }
    }

    @Test
    void throughARedisThatHangsPublishingIsRefusedInTimeAndNoAcceptedEventIsLost() throws Exception {
        String topic = "cluster-hang-" + UUID.randomUUID();
        List<SseStream> streams = List.of(open(nodeA(), "api/events?topic=" + topic), open(nodeB(), "api/events?topic=" + topic));
        List<String> accepted = new CopyOnWriteArrayList<>();
        var refused = new CountDownLatch(8);
        ExecutorService publisher = Executors.newSingleThreadExecutor();
        try {
            accepted.add(id(publish(nodeA(), topic, "before")));
            REDIS.freeze();
            Future<?> publishing;
            try {
                publishing = publisher.submit(() -> publishUntilRefusedAndBack(topic, accepted, refused));
                assertTrue(refused.await(TIMEOUT.toSeconds() * 3, TimeUnit.SECONDS), "publishes refused while Redis hangs");
                assertHealth(nodeA(), "ready", 503);
                assertHealth(nodeB(), "ready", 503);
                assertHealth(nodeA(), "live", 200);
            } finally {
                REDIS.thaw();
            }
            publishing.get();
            assertHealth(nodeA(), "ready", 200);
            assertHealth(nodeB(), "ready", 200);
            for (SseStream stream : streams) {
                List<String> got = new ArrayList<>();
                long previous = 0;
                String last = accepted.get(accepted.size() - 1);
                while (!got.contains(last)) {
                    SseStream.Frame event = stream.nextEvent(TIMEOUT);
                    assertTrue(!"reset".equals(event.event()), "Redis kept its data: no reset");
                    long id = Long.parseLong(event.id());
                    assertTrue(id > previous, "ids only grow on a stream: " + id + " after " + previous);
                    previous = id;
                    got.add(event.id());
                }
                assertTrue(got.containsAll(accepted), "every accepted event arrived: " + accepted + " in " + got);
            }
        } finally {
            publisher.shutdownNow();
            for (SseStream stream : streams) {
                stream.close();
            }
        }
    }

    @Test
    void aRedisThatRestartsEmptyMakesTheStreamsResetAndIdsGoOnGrowing() throws Exception {
        String topic = "cluster-restart-" + UUID.randomUUID();
        List<SseStream> streams = List.of(open(nodeA(), "api/events?topic=" + topic), open(nodeB(), "api/events?topic=" + topic));
        try {
            String before = id(publish(nodeA(), topic, "before"));
            for (SseStream stream : streams) {
                assertEquals(before, stream.nextEvent(TIMEOUT).id());
            }
            REDIS.restartEmpty();
            String after = null;
            long deadline = System.nanoTime() + TIMEOUT.toNanos() * 3;
            while (after == null && System.nanoTime() < deadline) {
                HttpResponse<String> answer = publish(nodeB(), topic, "after");
                if (answer.statusCode() == 201) {
                    after = id(answer);
                } else {
                    assertEquals(503, answer.statusCode(), answer.body());
                    LockSupport.parkNanos(POLL.toNanos());
                }
            }
            assertTrue(after != null, "publishing works again once Redis is back");
            assertTrue(Long.parseLong(after) > Long.parseLong(before), "ids never go backwards");
            for (SseStream stream : streams) {
                SseStream.Frame reset = stream.nextEvent(TIMEOUT);
                assertEquals("reset", reset.event(), "the node cannot vouch for what Redis lost: " + reset);
                SseStream.Frame next = stream.nextEvent(TIMEOUT);
                assertEquals(after, next.id());
            }
            try (SseStream old = SseStream.open(nodeA(), "api/events?topic=" + topic, "Last-Event-ID: " + before)) {
                assertEquals("reset", old.nextEvent(TIMEOUT).event(), "an id from before the loss is not known");
            }
        } finally {
            for (SseStream stream : streams) {
                stream.close();
            }
        }
    }

    /** Publishes alternately on both nodes until some were refused and one is accepted again. */
    private Void publishUntilRefusedAndBack(String topic, List<String> accepted, CountDownLatch refused) throws Exception {
        long deadline = System.nanoTime() + TIMEOUT.toNanos() * 6;
        for (int i = 0; System.nanoTime() < deadline; i++) {
            long start = System.nanoTime();
            HttpResponse<String> answer = publish(i % 2 == 0 ? nodeA() : nodeB(), topic, "during " + i);
            if (answer.statusCode() == 201) {
                accepted.add(id(answer));
                if (refused.getCount() == 0) {
                    return null;
                }
            } else {
                assertEquals(503, answer.statusCode(), answer.body());
                assertTrue(answer.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"));
                assertTrue(answer.headers().firstValue("Retry-After").isPresent(), "a 503 says when to retry");
                assertTrue(System.nanoTime() - start < REFUSED_WITHIN.toNanos(), "refused within the Redis timeout");
                refused.countDown();
            }
        }
        throw new AssertionError("publishing did not come back within " + TIMEOUT.multipliedBy(6));
    }

    private static void assertHealth(URI node, String which, int status) throws Exception {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        HttpResponse<String> answer;
        while (true) {
            answer = HTTP.send(HttpRequest.newBuilder(node.resolve("api/health/" + which)).timeout(TIMEOUT).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() == status || System.nanoTime() > deadline) {
                break;
            }
            LockSupport.parkNanos(POLL.toNanos());
        }
        assertEquals(status, answer.statusCode(), which + ": " + answer.body());
    }

    static SseStream open(URI node, String pathAndQuery, String... headers) throws Exception {
        SseStream stream = SseStream.open(node, pathAndQuery, headers);
        assertEquals(200, stream.status(), stream.body());
        stream.next(TIMEOUT);
        return stream;
    }

    static HttpResponse<String> publish(URI node, String topic, String body) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(node.resolve("api/topics/" + topic + "/events"))
                .header("Authorization", "Bearer it-publish-token")
                .header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
    }

    static String id(HttpResponse<String> created) {
        assertEquals(201, created.statusCode(), created.body());
        String body = created.body();
        int at = body.indexOf("\"id\":\"") + 6;
        return body.substring(at, body.indexOf('"', at));
    }
}
