package org.ssehub.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.ssehub.DeployedWar;
import org.ssehub.ServerThreads;
import org.ssehub.StalledClient;
import org.ssehub.SseStream;

/**
 * Clients that stop reading fill their TCP windows, and a write to them blocks. They must be disconnected while
 * everyone else keeps receiving each event at once. More stalled clients than the hub has writer threads at rest,
 * so a blocked thread that is not replaced shows up as healthy clients waiting. The test servers run with
 * SSE_WRITE_TIMEOUT_MILLIS=2000; the containers' own write timeouts (5 to 6 s) then fail the blocked sends and free
 * the threads that Jersey's blocking writes held.
 */
class StalledReaderIT extends DeployedWar {

    private static final int STALLED = 4;
    private static final int HEALTHY = 3;
    private static final Duration AT_ONCE = Duration.ofSeconds(1);
    private static final String DATA = "x".repeat(60_000);

    @Test
    void stalledReadersAreDisconnectedWhileTheOthersKeepReceiving() throws Exception {
        String topic = "stall-" + UUID.randomUUID();
        List<SseStream> healthy = new ArrayList<>();
        List<StalledClient> stalled = new ArrayList<>();
        try (SseStream ticker = stream("api/events")) {
            double disconnectsBefore = metric("sse_hub_disconnects_total{reason=\"write_timeout\"}")
                    + metric("sse_hub_disconnects_total{reason=\"queue_full\"}");
            double writers = metric("sse_hub_writer_threads");
            for (int i = 0; i < HEALTHY; i++) {
                healthy.add(stream("api/events?topic=" + topic));
            }
            for (int i = 0; i < STALLED; i++) {
                stalled.add(StalledClient.open(null, base(), "api/events?topic=" + topic));
            }
            await("all streams registered", TIMEOUT, ticker, () -> subscribers(topic) == HEALTHY + STALLED);

            int published = 0;
            while (subscribers(topic) > HEALTHY) {
                assertTrue(published < 2_000, "the stalled readers were still subscribed after " + published + " events");
                String id = publish(topic);
                published++;
                for (SseStream stream : healthy) {
                    assertEquals(id, stream.nextEvent(AT_ONCE).id(), "event " + published + " at a healthy reader");
                }
            }
            double disconnects = metric("sse_hub_disconnects_total{reason=\"write_timeout\"}")
                    + metric("sse_hub_disconnects_total{reason=\"queue_full\"}");
            assertEquals(disconnectsBefore + STALLED, disconnects, "stalled readers disconnected, counted by reason");

            String after = publish(topic);
            for (SseStream stream : healthy) {
                assertEquals(after, stream.nextEvent(AT_ONCE).id());
            }
            await("the writer threads back to " + writers + " once the container's write timeout freed them", TIMEOUT,
                    ticker, () -> metric("sse_hub_writer_threads") <= writers);
            for (StalledClient client : stalled) {
                assertTrue(client.readsToEnd(Duration.ofSeconds(30)), "the server ended the stalled stream");
            }
            ServerThreads.awaitDump(dump -> !dump.contains("org.ssehub."), TIMEOUT, "no thread left in sse-hub code");
        } finally {
            for (SseStream stream : healthy) {
                stream.close();
            }
            for (StalledClient client : stalled) {
                client.close();
            }
        }
    }

    private String publish(String topic) throws Exception {
        HttpResponse<String> response = send(textPublish(topic, DATA));
        assertEquals(201, response.statusCode(), response.body());
        return response.body().replaceAll("\\D", "");
    }
}
