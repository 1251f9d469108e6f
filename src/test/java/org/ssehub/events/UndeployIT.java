package org.ssehub.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.ssehub.DeployedWar;
import org.ssehub.ServerThreads;
import org.ssehub.ServerLog;
import org.ssehub.SseStream;
import org.ssehub.StalledClient;
import org.ssehub.SseStream.Frame;

@ExtendWith(ArquillianExtension.class)
class UndeployIT {

    private static final String HUB = "hub";

    @ArquillianResource
    private Deployer deployer;

    @Deployment(name = HUB, managed = false, testable = false)
    static WebArchive war() {
        return DeployedWar.war();
    }

    /**
     * Each open stream gets one farewell with a jittered {@code retry:} before it ends, so clients do not return
     * together, and before it every event whose publish was answered 201. A publish that comes while the app shuts
     * down is answered 503 with Retry-After (or 404 once the app is gone), never 201 for an event no stream gets.
     */
    @Test
    void undeployClosesEveryStreamAndLeavesNoAppThread() throws Exception {
        deployer.deploy(HUB);
        URI base = base();
        String topic = "undeploy-" + UUID.randomUUID();
        List<SseStream> streams = new ArrayList<>();
        ExecutorService publisher = Executors.newSingleThreadExecutor();
        try {
            for (int i = 0; i < 3; i++) {
                SseStream stream = SseStream.open(base, "api/events?topic=" + topic);
                streams.add(stream);
                assertEquals(200, stream.status());
                stream.next(DeployedWar.TIMEOUT);
            }
            List<String> acknowledged = new CopyOnWriteArrayList<>();
            List<String> refusals = new CopyOnWriteArrayList<>();
            var firstAnswered = new CountDownLatch(1);
            Future<?> publishing = publisher.submit(() -> publishUntilRefused(base, topic, acknowledged, refusals, firstAnswered));
            assertTrue(firstAnswered.await(DeployedWar.TIMEOUT.toSeconds(), TimeUnit.SECONDS), "a publish was answered");
            ServerLog log = ServerLog.mark();
            deployer.undeploy(HUB);
            publishing.get(DeployedWar.TIMEOUT.toSeconds(), TimeUnit.SECONDS);

            for (String refusal : refusals) {
                assertTrue(refusal.matches("(?s)503 hub retry-after \\d+ .*") || refusal.matches("(?s)(503|404) container .*")
                        || refusal.startsWith("closed") || refusal.startsWith("500 container") && stoppedUnderIt(log),
                        "the hub's own 503 has a Retry-After; the container's, once the app is gone, may not: " + refusal);
            }
            for (SseStream stream : streams) {
                List<Frame> rest = stream.restUntilEnd(Duration.ofSeconds(10));
                List<Frame> farewells = rest.stream().filter(frame -> frame.retry() != null).toList();
                assertEquals(1, farewells.size(), "one farewell: " + rest);
                for (Frame farewell : farewells) {
                    assertEquals(": shutdown", farewell.lines().get(0));
                    DeployedWar.assertJitteredRetry(farewell.retry());
                }
                Frame last = rest.get(rest.size() - 1);
                assertEquals(farewells.get(0), last, "the farewell comes last");
                String body = stream.body();
                for (String id : acknowledged) {
                    assertTrue(body.contains("\nid: " + id + "\n"), "event " + id + " was answered 201 and reached every stream before its farewell");
                }
            }
        } finally {
            publisher.shutdownNow();
            for (SseStream stream : streams) {
                stream.close();
            }
        }

        ServerThreads.awaitDump(dump -> !dump.contains("\"sse-hub-") && !dump.contains("org.ssehub."),
                Duration.ofSeconds(10), "no sse-hub thread and no app code running after undeploy");
    }

    /**
     * Undeploy with 200 clients connected, five of them stalled behind full TCP windows (published to until a send to
     * them is in flight): readiness stops answering UP before any stream is closed, every healthy stream gets its
     * jittered {@code retry:} and is closed within 5 s,
     * the stalled ones are closed too, and no thread of the app is left. The test servers cap streams at 210, 40 per
     * address.
     */
    @Test
    void undeployWithTwoHundredClientsSomeStalled() throws Exception {
        deployer.deploy(HUB);
        URI base = base();
        String quiet = "undeploy-many-" + UUID.randomUUID();
        String heavy = "undeploy-stalled-" + UUID.randomUUID();
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        List<SseStream> healthy = new ArrayList<>();
        List<StalledClient> stalled = new ArrayList<>();
        List<long[]> probes = new CopyOnWriteArrayList<>();
        ScheduledExecutorService prober = Executors.newSingleThreadScheduledExecutor();
        try {
            for (int i = 0; i < 195; i++) {
                SseStream stream = SseStream.openFrom("127.0.0." + (20 + i / 40), base, "api/events?topic=ticker&topic=" + quiet);
                healthy.add(stream);
                assertEquals(200, stream.status(), "stream " + (i + 1));
                assertEquals(": sse-hub", stream.next(DeployedWar.TIMEOUT).lines().get(0));
            }
            for (int i = 0; i < 5; i++) {
                stalled.add(StalledClient.open("127.0.0.30", base, "api/events?topic=" + heavy));
            }
            SseStream pacer = healthy.get(0);
            long deadline = System.nanoTime() + DeployedWar.TIMEOUT.toNanos();
            while (sample(http, base, "sse_hub_connections") < 200) {
                assertTrue(System.nanoTime() < deadline, "200 streams open within " + DeployedWar.TIMEOUT);
                pacer.nextEvent(DeployedWar.TIMEOUT);
            }
            var publish = HttpRequest.newBuilder(base.resolve("api/topics/" + heavy + "/events"))
                    .header("Authorization", "Bearer it-publish-token").header("Content-Type", "text/plain")
                    .POST(HttpRequest.BodyPublishers.ofString("x".repeat(60_000))).build();
            for (int published = 0; sample(http, base, "sse_hub_oldest_send_seconds") == 0; published++) {
                assertTrue(published < 300, "a send to the stalled clients still in flight after " + published + " events of 60 KB");
                assertEquals(201, http.send(publish, HttpResponse.BodyHandlers.ofString()).statusCode());
            }
            var ready = HttpRequest.newBuilder(base.resolve("api/health/ready")).timeout(Duration.ofSeconds(2)).build();
            var answeredUp = new CountDownLatch(1);
            prober.scheduleAtFixedRate(() -> {
                long sent = System.nanoTime();
                int status;
                try {
                    status = http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode();
                } catch (IOException | RuntimeException refused) {
                    status = -1;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                probes.add(new long[] {sent, status});
                if (status == 200) {
                    answeredUp.countDown();
                }
            }, 0, 20, TimeUnit.MILLISECONDS);
            assertTrue(answeredUp.await(DeployedWar.TIMEOUT.toSeconds(), TimeUnit.SECONDS), "ready answered UP before the undeploy");

            long undeploying = System.nanoTime();
            deployer.undeploy(HUB);
            for (SseStream stream : healthy) {
                List<Frame> rest = stream.restUntilEnd(Duration.ofSeconds(10));
                List<Frame> farewells = rest.stream().filter(frame -> frame.retry() != null).toList();
                assertEquals(1, farewells.size(), "one farewell: " + rest);
                assertEquals(": shutdown", farewells.get(0).lines().get(0));
                DeployedWar.assertJitteredRetry(farewells.get(0).retry());
                assertEquals(farewells.get(0), rest.get(rest.size() - 1), "the farewell comes last");
            }
            long firstClosed = healthy.stream().mapToLong(SseStream::endedAtNanos).min().orElseThrow();
            long lastClosed = healthy.stream().mapToLong(SseStream::endedAtNanos).max().orElseThrow();
            assertTrue(lastClosed - undeploying <= Duration.ofSeconds(5).toNanos(), "every healthy stream closed within 5 s of "
                    + "the undeploy; the last after " + Duration.ofNanos(lastClosed - undeploying).toMillis() + " ms");
            var allClosed = new CountDownLatch(1);
            prober.scheduleAtFixedRate(() -> {
                try {
                    if (stalled.stream().allMatch(StalledClient::closedByServerUnchecked)) {
                        allClosed.countDown();
                    }
                } catch (RuntimeException e) {
                    allClosed.countDown();
                }
            }, 0, 100, TimeUnit.MILLISECONDS);
            assertTrue(allClosed.await(20, TimeUnit.SECONDS) && stalled.stream().allMatch(StalledClient::closedByServerUnchecked),
                    "the server closed every stalled stream's connection: within the 5 s the hub waits and the container's"
                    + " write timeout");
            prober.shutdown();
            assertTrue(prober.awaitTermination(5, TimeUnit.SECONDS));
            List<Long> upAfterClose = probes.stream().filter(probe -> probe[0] >= firstClosed && probe[1] == 200)
                    .map(probe -> (probe[0] - firstClosed) / 1_000_000).toList();
            assertEquals(List.of(), upAfterClose, "ms after the first stream closed at which ready still answered UP");
        } finally {
            prober.shutdownNow();
            for (SseStream stream : healthy) {
                stream.close();
            }
            for (StalledClient client : stalled) {
                client.close();
            }
        }
        ServerThreads.awaitDump(dump -> !dump.contains("\"sse-hub-") && !dump.contains("org.ssehub."),
                Duration.ofSeconds(10), "no sse-hub thread and no app code running after undeploy");
    }

    private static double sample(HttpClient http, URI base, String name) throws IOException, InterruptedException {
        String metrics = http.send(HttpRequest.newBuilder(base.resolve("api/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
        return metrics.lines().filter(line -> line.startsWith(name + " ")).mapToDouble(line -> Double.parseDouble(line.substring(name.length() + 1)))
                .findFirst().orElseThrow(() -> new AssertionError("no " + name + " in " + metrics));
    }

    /** Where an unmanaged deployment of the test WAR answers. */
    static URI base() {
        String war = new File(System.getProperty("sse-hub.war")).getName();
        return URI.create("http://127.0.0.1:" + Integer.getInteger("it.port") + "/" + war.substring(0, war.length() - 4) + "/");
    }

    /** Publishes until an answer is not 201; records each acknowledged id, and how the first refusal looked. */
    private static void publishUntilRefused(URI base, String topic, List<String> acknowledged, List<String> refusals,
            CountDownLatch firstAnswered) {
        HttpClient client = HttpClient.newHttpClient();
        var request = HttpRequest.newBuilder(base.resolve("api/topics/" + topic + "/events"))
                .header("Authorization", "Bearer it-publish-token").header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("going")).build();
        while (true) {
            try {
                HttpResponse<String> answer = client.send(request, HttpResponse.BodyHandlers.ofString());
                firstAnswered.countDown();
                if (answer.statusCode() != 201) {
                    String type = answer.headers().firstValue("content-type").orElse("none");
                    refusals.add(answer.statusCode() + (type.startsWith("application/problem+json") ? " hub" : " container")
                            + " retry-after " + answer.headers().firstValue("retry-after").orElse("none") + " " + answer.body());
                    return;
                }
                acknowledged.add(answer.body().replaceAll("\\D", ""));
            } catch (IOException closed) {
                refusals.add("closed: " + closed);
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * Undertow answers 500 itself to a request that reaches a deployment as it stops, before any code of the app
     * runs (UT010051, "Deployment has stopped"; UT015023, "This Context has been already destroyed"): the container's
     * refusal, which the app cannot answer otherwise.
     */
    private static boolean stoppedUnderIt(ServerLog log) throws IOException {
        return log.grewWith("UT010051") || log.grewWith("UT015023");
    }

}
