package org.ssehub.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.ssehub.DeployedWar;
import org.ssehub.SseStream;
import org.ssehub.SseStream.Frame;

/** The node keeps no history yet: a client that missed events is told so with {@code reset}, never left with a gap. */
class ResumeIT extends DeployedWar {

    @Test
    void aClientThatMissedEventsGetsResetThenLiveEvents() throws Exception {
        long seen;
        try (SseStream first = stream("api/events")) {
            seen = Long.parseLong(first.nextEvent(TIMEOUT).id());
            first.nextEvent(TIMEOUT);
        }
        try (SseStream resumed = stream("api/events", "Last-Event-ID: " + seen)) {
            Frame reset = resumed.nextEvent(TIMEOUT);
            assertEquals("reset", reset.event());
            assertEquals("{\"reason\":\"events after " + seen + " are not kept\"}", reset.data());
            long resetId = Long.parseLong(reset.id());
            assertTrue(resetId > seen, "reset carries the id to resume from: " + resetId);
            Frame next = resumed.nextEvent(TIMEOUT);
            assertEquals("ticker", next.event());
            assertTrue(Long.parseLong(next.id()) > resetId);
        }
    }

    @Test
    void anUnknownIdGetsResetAndTheHeaderWinsOverTheQuery() throws Exception {
        for (String[] request : new String[][] {
                {"api/events?lastEventId=not-a-number"},
                {"api/events?lastEventId=1", "Last-Event-ID: 99999999999"},
                {"api/events", "Last-Event-ID: " + "9".repeat(4096)}}) {
            String[] headers = Arrays.copyOfRange(request, 1, request.length);
            try (SseStream stream = stream(request[0], headers)) {
                assertEquals(200, stream.status());
                Frame reset = stream.nextEvent(TIMEOUT);
                assertEquals("reset", reset.event(), String.join(" ", request));
                assertEquals("{\"reason\":\"unknown Last-Event-ID\"}", reset.data());
            }
        }
    }
}
