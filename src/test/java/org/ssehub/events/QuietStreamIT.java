package org.ssehub.events;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.ssehub.DeployedWar;
import org.ssehub.Nginx;
import org.ssehub.SseStream;

/**
 * A stream on a topic nobody publishes to writes nothing but heartbeats. The timeouts on its way (the containers' write
 * and idle timeouts in server-config/, nginx's read and send timeouts) free a client that stopped reading or a node
 * that stopped answering; they must not cut a stream that is merely quiet. The test servers send a heartbeat every
 * 2 s; their longest such timeout is 6 s (Undertow's write timeout; Tomcat's and Payara's are 5 s), and nginx's are
 * set to 5 s here. The stream stays quiet for three times that.
 */
class QuietStreamIT extends DeployedWar {

    private static final int HEARTBEATS = 9;
    private static final Map<String, String> SHORT_NGINX_TIMEOUTS = Map.of(" proxy_read_timeout 45s;", " proxy_read_timeout 5s;",
            " proxy_send_timeout 45s;", " proxy_send_timeout 5s;", " send_timeout 45s;", " send_timeout 5s;");

    @Test
    void aStreamQuietButForHeartbeatsStaysOpen() throws Exception {
        staysOpen(base());
    }

    @Test
    void itStaysOpenThroughNginxToo() throws Exception {
        try (Nginx nginx = Nginx.start(base().getPort(), SHORT_NGINX_TIMEOUTS)) {
            staysOpen(nginx.in().resolve(base().getPath()));
        }
    }

    private void staysOpen(URI app) throws Exception {
        String topic = "quiet-" + UUID.randomUUID();
        try (SseStream stream = SseStream.open(app, "api/events?topic=" + topic)) {
            stream.next(TIMEOUT);
            for (int i = 0; i < HEARTBEATS; i++) {
                assertEquals(List.of("heartbeat"), stream.next(Duration.ofSeconds(4)).comments().stream()
                        .map(String::strip).toList(), "heartbeat " + (i + 1));
            }
            var published = send(textPublish(topic, "still here"));
            assertEquals(201, published.statusCode());
            assertEquals("still here", stream.nextEvent(TIMEOUT).data());
        }
    }
}
