package org.ssehub.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.exporter.ZipExporter;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.ssehub.Nginx;
import org.ssehub.SseStream;

/**
 * On Payara Micro, whose Arquillian adapter runs one JVM per deployment on one port: node A is the deployment under
 * test, node B a second Payara Micro of the same build on a port of its own, started here with the same settings
 * and at the same path, so that the two can also stand behind one nginx upstream.
 */
@ExtendWith(ArquillianExtension.class)
class PayaraClusterIT extends ClusterTests {

    private static final int PORT_B = Integer.getInteger("it.port", 18080) + 1;
    private static Process nodeB;

    @ArquillianResource
    private URL a;

    @Deployment(testable = false)
    static WebArchive deployA() throws Exception {
        return ClusterIT.node("node-a.war");
    }

    @BeforeAll
    static void startNodeB() throws Exception {
        Path basedir = Path.of(System.getProperty("project.basedir"));
        Path build = Path.of(System.getProperty("it.build.dir"));
        Path work = Files.createDirectories(build.resolve("payara-node-b"));
        Path war = work.resolve("node-a.war");
        ClusterIT.node("node-a.war").as(ZipExporter.class).exportTo(war.toFile(), true);
        String java = ProcessHandle.current().info().command().orElse("java");
        nodeB = new ProcessBuilder(List.of(java, "-Xmx512m", "-Dhazelcast.socket.bind.any=false",
                "-Dsse.publish.token=it-publish-token", "-Dsse.heartbeat.seconds=2",
                "-Dsse.connects.per.client.per.second=100", "-Dsse.connects.burst=200",
                "-jar", build.resolve("runtimes/payara-micro.jar").toString(),
                "--nocluster", "--port", Integer.toString(PORT_B), "--deploy", war.toString(),
                "--prebootcommandfile", basedir.resolve("server-config/payara/pre-boot-commands.asadmin").toString()))
                .redirectErrorStream(true).redirectOutput(work.resolve("payara-micro.log").toFile()).start();
        var http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(TIMEOUT).build();
        long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                var live = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + PORT_B + "/node-a/api/health/live"))
                        .timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.discarding());
                if (live.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                if (!nodeB.isAlive()) {
                    throw new IllegalStateException("node B's Payara Micro exited; see " + work.resolve("payara-micro.log"));
                }
            }
            try {
                nodeB.onExit().get(200, TimeUnit.MILLISECONDS);
            } catch (TimeoutException stillStarting) {
                // it runs: ask again
            }
        }
        throw new IllegalStateException("node B did not answer within 180 s; see " + work.resolve("payara-micro.log"));
    }

    @AfterAll
    static void stopNodeB() throws Exception {
        if (nodeB != null) {
            nodeB.destroy();
            if (!nodeB.waitFor(30, TimeUnit.SECONDS)) {
                nodeB.destroyForcibly().waitFor();
            }
        }
    }

    @Override
    URI nodeA() {
        return ClusterIT.root(a);
    }

    @Override
    URI nodeB() {
        return URI.create("http://127.0.0.1:" + PORT_B + "/node-a/");
    }

    /**
     * Through the shipped nginx config with the two-node upstream of the example: streams spread over both nodes,
     * and each gets every event published through nginx, once, in order.
     */
    @Test
    void behindNginxStreamsOnBothNodesGetEveryEvent() throws Exception {
        String topic = "cluster-nginx-" + UUID.randomUUID();
        try (Nginx nginx = Nginx.startCluster(nodeA().getPort(), PORT_B)) {
            URI front = nginx.in().resolve(nodeA().getPath());
            List<SseStream> streams = new ArrayList<>();
            try {
                for (int i = 0; i < 4; i++) {
                    streams.add(open(front, "api/events?topic=" + topic));
                }
                assertTrue(subscribersOn(nodeA(), topic) > 0 && subscribersOn(nodeB(), topic) > 0,
                        "least_conn put streams on both nodes");
                List<String> published = new ArrayList<>();
                for (int i = 0; i < 200; i++) {
                    published.add(id(publish(front, topic, "through nginx " + i)));
                }
                for (SseStream stream : streams) {
                    for (String expected : published) {
                        assertEquals(expected, stream.nextEvent(TIMEOUT).id());
                    }
                }
            } finally {
                for (SseStream stream : streams) {
                    stream.close();
                }
            }
        }
    }

    private static int subscribersOn(URI node, String topic) throws Exception {
        var http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        String body = http.send(HttpRequest.newBuilder(node.resolve("api/topics?limit=1000")).timeout(TIMEOUT).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        try (var reader = Json.createReader(new StringReader(body))) {
            return reader.readArray().getValuesAs(JsonObject.class).stream()
                    .filter(t -> t.getString("topic").equals(topic)).mapToInt(t -> t.getInt("subscribers")).sum();
        }
    }
}
