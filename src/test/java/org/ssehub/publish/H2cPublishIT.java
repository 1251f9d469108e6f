package org.ssehub.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.ssehub.DeployedWar;
import org.ssehub.SseStream;

/**
 * Java's {@code HttpClient} asks a plain-text port to upgrade to HTTP/2 (h2c) on its first request and, if the server
 * agrees, sends the next ones as HTTP/2 frames. Publishes past 64 KiB (HTTP/2's initial flow-control window) arrive
 * whole either way, with the payload limit raised to 512 KiB for this deployment.
 */
@ExtendWith(ArquillianExtension.class)
class H2cPublishIT {

    private static final int LIMIT = 512 * 1024;

    @ArquillianResource
    private URL deployedAt;

    @Deployment(testable = false)
    static WebArchive war() throws IOException {
        return DeployedWar.war(Map.of("SSE_MAX_PAYLOAD_BYTES", String.valueOf(LIMIT)));
    }

    @Test
    void publishesPast64KiBArriveWholeOverAnUpgradedConnection() throws Exception {
        URI base = URI.create(deployedAt.toString().endsWith("/") ? deployedAt.toString() : deployedAt + "/");
        String topic = "h2c-" + UUID.randomUUID();
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).connectTimeout(DeployedWar.TIMEOUT).build();
        List<HttpClient.Version> versions = new ArrayList<>();
        try (SseStream stream = SseStream.open(base, "api/events?topic=" + topic)) {
            stream.next(DeployedWar.TIMEOUT);
            for (String payload : List.of(lines(200 * 1024), "y".repeat(LIMIT), lines(100 * 1024))) {
                int size = payload.length();
                HttpResponse<String> published = http.send(HttpRequest.newBuilder(base.resolve("api/topics/" + topic + "/events"))
                        .header("Authorization", "Bearer it-publish-token")
                        .header("Content-Type", "text/plain")
                        .timeout(DeployedWar.TIMEOUT)
                        .POST(HttpRequest.BodyPublishers.ofString(payload))
                        .build(), HttpResponse.BodyHandlers.ofString());
                versions.add(published.version());
                assertEquals(201, published.statusCode(), published.body());
                SseStream.Frame event = stream.nextEvent(DeployedWar.TIMEOUT);
                assertEquals(payload, event.data(), "the " + size + "-byte event, sent over " + versions);
            }
        }
        System.out.println("H2cPublishIT: the publishes went over " + versions);
    }

    /** {@code size} bytes of text in lines of 1,000, each line starting with its number. */
    private static String lines(int size) {
        StringBuilder text = new StringBuilder(size);
        for (int line = 0; text.length() < size; line++) {
            text.append(line).append(':');
            while (text.length() % 1000 != 999 && text.length() < size - 1) {
                text.append((char) ('a' + text.length() % 26));
            }
            text.append('\n');
        }
        text.setLength(size);
        return text.toString();
    }
}
