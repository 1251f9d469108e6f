package org.ssehub.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.ssehub.DeployedWar;
import org.ssehub.SseStream;
import org.ssehub.SseStream.Frame;

/**
 * The WAR deployed with {@code SSE_MAX_STREAM_SECONDS=4} as a context parameter of its web.xml (which the test servers
 * do not override): a stream ends after 3 to 4 s with a comment and a jittered {@code retry:}, counted as
 * {@code lifetime}, and a client that resumes from its last id goes on with the next event published.
 */
@ExtendWith(ArquillianExtension.class)
class StreamLifetimeIT {

    private static final Duration LIFETIME = Duration.ofSeconds(4);

    @ArquillianResource
    private URL deployedAt;

    @Deployment(testable = false)
    static WebArchive war() throws IOException {
        return DeployedWar.war(Map.of("SSE_MAX_STREAM_SECONDS", Long.toString(LIFETIME.toSeconds())));
    }

    /** A publisher adds an event to the topic every 50 ms throughout. */
    @Test
    void aStreamEndsAtItsLifetimeWithARetryAndItsClientResumesWithoutLoss() throws Exception {
        URI base = URI.create(deployedAt.toString().endsWith("/") ? deployedAt.toString() : deployedAt + "/");
        String topic = "lifetime-" + UUID.randomUUID();
        NavigableSet<Long> published = new ConcurrentSkipListSet<>();
        BlockingQueue<Long> answered = new LinkedBlockingQueue<>();
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        var publish = HttpRequest.newBuilder(base.resolve("api/topics/" + topic + "/events"))
                .header("Authorization", "Bearer it-publish-token").header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("x")).build();
        ScheduledExecutorService publisher = Executors.newSingleThreadScheduledExecutor();
        try (SseStream stream = SseStream.open(base, "api/events?topic=" + topic)) {
            assertEquals(200, stream.status());
            long opened = System.nanoTime();
            publisher.scheduleAtFixedRate(() -> {
                try {
                    HttpResponse<String> answer = http.send(publish, HttpResponse.BodyHandlers.ofString());
                    long id = Long.parseLong(answer.body().replaceAll("\\D", ""));
                    published.add(id);
                    answered.add(id);
                } catch (IOException | InterruptedException | NumberFormatException e) {
                    throw new IllegalStateException(e);
                }
            }, 0, 50, TimeUnit.MILLISECONDS);

            List<Frame> frames = stream.restUntilEnd(LIFETIME.plus(DeployedWar.TIMEOUT));
            double seconds = (System.nanoTime() - opened) / 1e9;
            Frame last = frames.get(frames.size() - 1);
            assertEquals(": lifetime", last.lines().get(0), "the last frame: " + last);
            DeployedWar.assertJitteredRetry(last.retry());
            assertTrue(seconds >= LIFETIME.toSeconds() * 0.75 - 0.1 && seconds < LIFETIME.toSeconds() + 2,
                    "ended after " + seconds + " s");
            long lastId = Long.parseLong(frames.stream().filter(frame -> frame.id() != null).reduce((a, b) -> b).orElseThrow().id());

            try (SseStream resumed = SseStream.open(base, "api/events?topic=" + topic, "Last-Event-ID: " + lastId)) {
                Frame next = resumed.nextEvent(DeployedWar.TIMEOUT);
                assertEquals(topic, next.event());
                long nextId = Long.parseLong(next.id());
                while (published.ceiling(nextId) == null) {
                    assertTrue(answered.poll(DeployedWar.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS) != null, "the publish of " + nextId + " was answered");
                }
                assertEquals(published.higher(lastId), nextId, "the first event published after " + lastId);
            }
        } finally {
            publisher.shutdownNow();
        }
        String metrics = new String(base.resolve("api/metrics").toURL().openStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(metrics.lines().anyMatch(line -> line.matches("sse_hub_disconnects_total\\{reason=\"lifetime\",?\\} [1-9].*")),
                metrics);
    }
}
