package org.ssehub.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import java.io.StringReader;
import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.UUID;
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
        for (String[] resume : new String[][] {
                {"api/events", "Last-Event-ID: " + seen.id()},
                {"api/events?lastEventId=" + seen.id()},
                {"api/events?lastEventId=not-a-number", "Last-Event-ID: " + seen.id()}}) {
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
    void anIdOlderThanTheHistoryGetsResetWithTheIdToResumeFrom() throws Exception {
        String topic = "expire-" + UUID.randomUUID();
        String dropped = publish(topic);
        String second = publish(topic);
        String last = second;
        for (int i = 0; i < 999; i++) {
            last = publish(topic);
        }
        String beforeDropped = Long.toString(Long.parseLong(dropped) - 1);
        try (SseStream resumed = stream("api/events?topic=" + topic, "Last-Event-ID: " + beforeDropped)) {
            Frame reset = resumed.nextEvent(TIMEOUT);
            assertEquals("reset", reset.event(), "the history of 1000 no longer has " + dropped);
            assertEquals("{\"reason\":\"events after " + beforeDropped + " are no longer kept\"}", reset.data());
            assertTrue(Long.parseLong(reset.id()) >= Long.parseLong(last));
        }
        try (SseStream resumed = stream("api/events?topic=" + topic, "Last-Event-ID: " + dropped)) {
            assertEquals(second, resumed.nextEvent(TIMEOUT).id(), "a client that saw the dropped one gets the 1000 kept ones");
        }
    }

    @Test
    void anUnknownIdGetsReset() throws Exception {
        for (String[] request : new String[][] {
                {"api/events?lastEventId=not-a-number"},
                {"api/events?lastEventId=1"},
                {"api/events", "Last-Event-ID: 99999999999"},
                {"api/events", "Last-Event-ID: -5"},
                {"api/events", "Last-Event-ID: "},
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

    private String publish(String topic) throws Exception {
        HttpResponse<String> response = send(textPublish(topic, "x"));
        assertEquals(201, response.statusCode(), response.body());
        return Json.createReader(new StringReader(response.body())).readObject().getString("id");
    }
}
