package org.ssehub.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.ssehub.DeployedWar;
import org.ssehub.ServerThreads;
import org.ssehub.SseStream;

/**
 * Redeploying with clients connected leaks neither threads nor classes: over 20 redeploys, each undeployed under 20
 * open streams, the server's threads and loaded classes (each read after a full GC) level off: the lowest reading of
 * the last five redeploys is at most a little above the lowest of the five before. One app is about 420 classes on
 * WildFly and several thousand on Tomcat, so a leak of every app, or of one in five, shows. The Payara Micro
 * adapter starts a new JVM for each deployment, so there is no redeploy within one JVM to measure there. With
 * {@code -Dit.redeploy.heapdump=FILE} it leaves a heap dump of the server after the last redeploy, to find what keeps
 * an undeployed app.
 */
@ExtendWith(ArquillianExtension.class)
class RedeployIT {

    private static final String HUB = "redeployed";
    private static final int REDEPLOYS = 20;
    private static final int STREAMS = 20;
    /** What the last five redeploys may add (lowest readings compared): a pool that grows a little, classes a cache keeps. */
    private static final int MAX_THREADS_ADDED = 4;
    private static final int MAX_CLASSES_ADDED = 150;

    @ArquillianResource
    private Deployer deployer;

    @Deployment(name = HUB, managed = false, testable = false)
    static WebArchive war() {
        return DeployedWar.war();
    }

    @Test
    void threadsAndClassesLevelOffOverTwentyRedeploys() throws Exception {
        assumeFalse(Boolean.getBoolean("it.jvm.per.deployment"), "one JVM per deployment: nothing accumulates");
        URI base = UndeployIT.base();
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        List<Double> threads = new ArrayList<>();
        List<Double> classes = new ArrayList<>();
        for (int i = 0; i < REDEPLOYS; i++) {
            deployer.deploy(HUB);
            List<SseStream> streams = new ArrayList<>();
            try {
                for (int s = 0; s < STREAMS; s++) {
                    SseStream stream = SseStream.open(base, "api/events?topic=ticker");
                    streams.add(stream);
                    assertEquals(200, stream.status());
                    stream.nextEvent(DeployedWar.TIMEOUT);
                }
                ServerThreads.jcmd("GC.run");
                String metrics = http.send(HttpRequest.newBuilder(base.resolve("api/metrics")).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
                threads.add((double) serverThreads());
                classes.add(sample(metrics, "jvm_classes_loaded_classes"));
                deployer.undeploy(HUB);
                for (SseStream stream : streams) {
                    stream.restUntilEnd(DeployedWar.TIMEOUT);
                }
            } finally {
                for (SseStream stream : streams) {
                    stream.close();
                }
            }
        }
        if (System.getProperty("it.redeploy.heapdump") != null) {
            ServerThreads.jcmd("GC.heap_dump " + System.getProperty("it.redeploy.heapdump"));
        }
        String series = "live threads " + threads + ", loaded classes " + classes;
        System.out.println("RedeployIT: " + series);
        double threadsAdded = lowestOfLastFive(threads) - lowestOfFiveBefore(threads);
        double classesAdded = lowestOfLastFive(classes) - lowestOfFiveBefore(classes);
        assertTrue(threadsAdded <= MAX_THREADS_ADDED, threadsAdded + " threads added by the last five redeploys: " + series
                + "; threads by name:\n" + threadNames());
        assertTrue(classesAdded <= MAX_CLASSES_ADDED, classesAdded + " classes added by the last five redeploys: " + series);
    }

    /**
     * The lowest reading of a window: an idle pooled thread of the server may hold the last request it ran, and with it
     * the app undeployed just before, until it runs another; what leaks for good raises every reading after it.
     */
    private static double lowestOfLastFive(List<Double> readings) {
        return readings.subList(REDEPLOYS - 5, REDEPLOYS).stream().mapToDouble(Double::doubleValue).min().orElseThrow();
    }

    private static double lowestOfFiveBefore(List<Double> readings) {
        return readings.subList(REDEPLOYS - 10, REDEPLOYS - 5).stream().mapToDouble(Double::doubleValue).min().orElseThrow();
    }

    /**
     * The server's threads but for those of the JMX connections the Tomcat adapter opens for each deployment and
     * leaves to time out: the test's, not the server's or the app's.
     */
    private static long serverThreads() throws Exception {
        return ServerThreads.dump().orElse("").lines().filter(line -> line.startsWith("\""))
                .filter(line -> !line.startsWith("\"JMX server connection timeout") && !line.startsWith("\"RMI TCP Connection"))
                .count();
    }

    /** The server's threads by name, numbers left out. */
    private static String threadNames() throws Exception {
        return ServerThreads.dump().orElse("").lines().filter(line -> line.startsWith("\""))
                .map(line -> line.substring(1, line.indexOf('"', 1)).replaceAll("\\d+", "N"))
                .collect(Collectors.groupingBy(name -> name, TreeMap::new, Collectors.counting())).toString();
    }

    private static double sample(String metrics, String name) {
        return metrics.lines().filter(line -> line.startsWith(name + " "))
                .mapToDouble(line -> Double.parseDouble(line.substring(name.length() + 1).trim()))
                .findFirst().orElseThrow(() -> new AssertionError("no " + name + " in\n" + metrics));
    }
}
