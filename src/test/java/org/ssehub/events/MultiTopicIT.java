package org.ssehub.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.ssehub.DeployedWar;
import org.ssehub.SseStream;

/** A stream of several topics is one subscriber: it gets their events in id order and is counted once when it ends. */
class MultiTopicIT extends DeployedWar {

    private static final String GONE = "sse_hub_disconnects_total{reason=\"client_gone\"}";

    @Test
    void eventsOfSeveralTopicsArriveInIdOrderAndTheStreamEndsOnce() throws Exception {
        String a = "multi-a-" + UUID.randomUUID();
        String b = "multi-b-" + UUID.randomUUID();
        try (SseStream ticker = stream("api/events")) {
            double gone = metric(GONE);
            double connections = metric("sse_hub_connections");
            SseStream stream = stream("api/events?topic=" + a + "&topic=" + b);
            List<String> published = new ArrayList<>();
            ExecutorService publishers = Executors.newFixedThreadPool(2);
            try {
                List<Future<List<String>>> both = new ArrayList<>();
                for (String topic : List.of(a, b)) {
                    both.add(publishers.submit(() -> {
                        List<String> ids = new ArrayList<>();
                        for (int i = 0; i < 50; i++) {
                            ids.add(publish(topic));
                        }
                        return ids;
                    }));
                }
                for (Future<List<String>> ids : both) {
                    published.addAll(ids.get());
                }
            } finally {
                publishers.shutdownNow();
            }
            long previous = 0;
            for (int i = 0; i < published.size(); i++) {
                long id = Long.parseLong(stream.nextEvent(TIMEOUT).id());
                assertTrue(id > previous, "event " + id + " after " + previous);
                assertTrue(published.contains(Long.toString(id)), "event " + id + " was published to " + a + " or " + b);
                previous = id;
            }
            assertEquals(1, subscribers(a));
            assertEquals(1, subscribers(b));

            stream.close();
            await("the stream's end noticed on both topics", TIMEOUT, ticker, () -> {
                publish(a);
                publish(b);
                return subscribers(a) == 0 && subscribers(b) == 0;
            });
            assertEquals(gone + 1, metric(GONE), "one stream gone, counted once");
            assertEquals(connections, metric("sse_hub_connections"));
        }
    }

    private String publish(String topic) throws Exception {
        HttpResponse<String> response = send(textPublish(topic, "x"));
        assertEquals(201, response.statusCode(), response.body());
        return response.body().replaceAll("\\D", "");
    }
}
