package org.ssehub.cluster;

import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.exporter.ZipExporter;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * On Payara Micro, whose Arquillian adapter runs one JVM per deployment on one port: node A is the deployment under
 * test, node B a second Payara Micro of the same build on a port of its own, started here with the same settings.
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
        Path work = Files.createDirectories(basedir.resolve("target/payara-node-b"));
        Path war = work.resolve("node-b.war");
        ClusterIT.node("node-b.war").as(ZipExporter.class).exportTo(war.toFile(), true);
        String java = ProcessHandle.current().info().command().orElse("java");
        nodeB = new ProcessBuilder(List.of(java, "-Xmx512m", "-Dhazelcast.socket.bind.any=false",
                "-Dsse.publish.token=it-publish-token", "-Dsse.heartbeat.seconds=2",
                "-Dsse.connects.per.client.per.second=100", "-Dsse.connects.burst=200",
                "-jar", basedir.resolve("target/runtimes/payara-micro.jar").toString(),
                "--nocluster", "--port", Integer.toString(PORT_B), "--deploy", war.toString(),
                "--prebootcommandfile", basedir.resolve("server-config/payara/pre-boot-commands.asadmin").toString()))
                .redirectErrorStream(true).redirectOutput(work.resolve("payara-micro.log").toFile()).start();
        var http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(TIMEOUT).build();
        long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                var live = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + PORT_B + "/node-b/api/health/live"))
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
        return URI.create("http://127.0.0.1:" + PORT_B + "/node-b/");
    }
}
