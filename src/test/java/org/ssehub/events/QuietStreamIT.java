package org.ssehub.events;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.ssehub.DeployedWar;
import org.ssehub.SseStream;

/**
 * A stream on a topic nobody publishes to writes nothing but heartbeats. The containers' write timeouts in
 * server-config/ free a client that stopped reading; they must not cut a stream that is merely quiet. The test servers
 * send a heartbeat every 2 s; their write timeouts are 5 s (Tomcat, Payara) and 6 s (Undertow).
 */
class QuietStreamIT extends DeployedWar {

    private static final int HEARTBEATS = 6;

    @Test
    void aStreamQuietButForHeartbeatsStaysOpen() throws Exception {
        String topic = "quiet-" + UUID.randomUUID();
        try (SseStream stream = stream("api/events?topic=" + topic)) {
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
