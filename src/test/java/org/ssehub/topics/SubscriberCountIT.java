package org.ssehub.topics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.ssehub.DeployedWar;
import org.ssehub.SseStream;

class SubscriberCountIT extends DeployedWar {

    @Test
    void aClientThatDisconnectsLeavesTheCount() throws Exception {
        String topic = "count-" + UUID.randomUUID();
        try (SseStream observer = stream("api/events");
                SseStream leaving = stream("api/events?topic=ticker&topic=" + topic);
                SseStream staying = stream("api/events?topic=ticker&topic=" + topic)) {
            leaving.nextEvent(TIMEOUT);
            staying.nextEvent(TIMEOUT);
            assertEquals(2, subscribers(topic));

            leaving.close();
            awaitSubscribers(topic, 1, observer);
            staying.close();
            awaitSubscribers(topic, 0, observer);
        }
    }

    /** Each tick the observer receives is a write the server also tried on the closed streams. */
    private void awaitSubscribers(String topic, int expected, SseStream observer) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        int count = subscribers(topic);
        while (count != expected && System.nanoTime() < deadline) {
            observer.nextEvent(TIMEOUT);
            count = subscribers(topic);
        }
        assertEquals(expected, count, "subscribers of " + topic);
    }
}
