package org.ssehub.events;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.ssehub.DeployedWar;
import org.ssehub.SseStream;

/**
 * Clients leaving must not disturb clients arriving. On Tomcat, a write to a departed client's sink once reached
 * the recycled response of a new connection and ended that stream after its first bytes (about one round in six).
 */
class ChurnIT extends DeployedWar {

    @Test
    void streamsOpenedWhileOthersLeaveAllReceiveEvents() throws Exception {
        for (int round = 0; round < 30; round++) {
            List<SseStream> streams = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) {
                    streams.add(stream("api/events"));
                }
                for (SseStream stream : streams) {
                    assertEquals(200, stream.status());
                    assertEquals("ticker", stream.nextEvent(TIMEOUT).event(), "round " + round);
                }
            } finally {
                for (SseStream stream : streams) {
                    stream.close();
                }
            }
        }
    }
}
