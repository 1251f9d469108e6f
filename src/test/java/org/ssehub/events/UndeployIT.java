package org.ssehub.events;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.File;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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

    /** Each open stream gets one farewell with a jittered {@code retry:} before it ends, so clients do not return together. */
    @Test
    void undeployClosesEveryStreamAndLeavesNoAppThread() throws Exception {
        deployer.deploy(HUB);
        String war = new File(System.getProperty("sse-hub.war")).getName();
        URI base = URI.create("http://127.0.0.1:" + Integer.getInteger("it.port") + "/" + war.substring(0, war.length() - 4) + "/");
        List<SseStream> streams = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                SseStream stream = SseStream.open(base, "api/events");
                streams.add(stream);
                assertEquals(200, stream.status());
                stream.nextEvent(DeployedWar.TIMEOUT);
            }
            deployer.undeploy(HUB);

            for (SseStream stream : streams) {
                List<Frame> rest = stream.restUntilEnd(Duration.ofSeconds(10));
                List<Frame> farewells = rest.stream().filter(frame -> frame.retry() != null).toList();
                assertEquals(1, farewells.size(), "one farewell: " + rest);
                for (Frame farewell : farewells) {
                    assertEquals(": shutdown", farewell.lines().get(0));
                    DeployedWar.assertJitteredRetry(farewell.retry());
                }
            }
        } finally {
            for (SseStream stream : streams) {
                stream.close();
            }
        }

        ServerThreads.awaitDump(dump -> !dump.contains("\"sse-hub-") && !dump.contains("org.ssehub."),
                Duration.ofSeconds(10), "no sse-hub thread and no app code running after undeploy");
    }
}
