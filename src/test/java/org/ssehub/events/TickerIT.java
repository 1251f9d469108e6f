package org.ssehub.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.ssehub.DeployedWar;
import org.ssehub.SseStream;
import org.ssehub.SseStream.Frame;

class TickerIT extends DeployedWar {

    @Test
    void streamOpensWithRetryAndACommentThenTicks() throws Exception {
        try (SseStream stream = stream("api/events")) {
            assertEquals(200, stream.status());
            assertTrue(stream.header("content-type").startsWith("text/event-stream"), stream.header("content-type"));

            Frame first = stream.next(TIMEOUT);
            assertJitteredRetry(first.retry());
            assertEquals(List.of(": sse-hub", "retry: " + first.retry()), first.lines(), "a comment and retry at once");

            long previous = 0;
            for (int i = 0; i < 3; i++) {
                Frame tick = stream.nextEvent(TIMEOUT);
                assertEquals("ticker", tick.event());
                assertTrue(tick.data().matches("\\{\"message\":\"\\d\\d:\\d\\d:\\d\\d\"}"), tick.data());
                long id = Long.parseLong(tick.id());
                assertTrue(id > previous, "ids increase: " + id + " after " + previous);
                previous = id;
            }
        }
    }

    @Test
    void twoClientsSeeTheSameIdsAndData() throws Exception {
        try (SseStream a = stream("api/events"); SseStream b = stream("api/events?topic=ticker")) {
            List<Frame> fromA = new ArrayList<>(List.of(a.nextEvent(TIMEOUT)));
            Frame firstOfB = b.nextEvent(TIMEOUT);
            while (Long.parseLong(fromA.get(fromA.size() - 1).id()) < Long.parseLong(firstOfB.id())) {
                fromA.add(a.nextEvent(TIMEOUT));
            }
            Frame sameTick = fromA.get(fromA.size() - 1);
            assertEquals(firstOfB, sameTick);
            for (int i = 0; i < 2; i++) {
                assertEquals(a.nextEvent(TIMEOUT), b.nextEvent(TIMEOUT));
            }
        }
    }
}
