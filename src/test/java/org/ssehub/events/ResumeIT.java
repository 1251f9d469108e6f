package org.ssehub.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.ssehub.DeployedWar;
import org.ssehub.SseStream;
import org.ssehub.SseStream.Frame;

/** A client that reconnects with the last id it saw gets what it missed from history, or a {@code reset}: never a gap. */
class ResumeIT extends DeployedWar {

    @Test
    void aClientThatMissedEventsGetsThemFromHistoryThenLive() throws Exception {
        Frame seen;
        Frame missed;
        try (SseStream first = stream("api/events")) {
            seen = first.nextEvent(TIMEOUT);
            missed = first.nextEvent(TIMEOUT);
            first.nextEvent(TIMEOUT);
        }
        for (String[] resume : new String[][] {{"api/events", "Last-Event-ID: " + seen.id()}, {"api/events?lastEventId=" + seen.id()}}) {
            try (SseStream resumed = stream(resume[0], Arrays.copyOfRange(resume, 1, resume.length))) {
                assertEquals(missed, resumed.nextEvent(TIMEOUT), "replay starts right after " + seen.id());
                long previous = Long.parseLong(missed.id());
                for (int i = 0; i < 4; i++) {
                    Frame next = resumed.nextEvent(TIMEOUT);
                    assertEquals("ticker", next.event());
                    assertTrue(Long.parseLong(next.id()) > previous, "in order, none twice: " + next.id() + " after " + previous);
                    previous = Long.parseLong(next.id());
                }
            }
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
