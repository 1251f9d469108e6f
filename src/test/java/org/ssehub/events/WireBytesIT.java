package org.ssehub.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.ssehub.DeployedWar;
import org.ssehub.SseStream;

/**
 * The body of a stream, byte for byte: the opening comment and {@code retry:}, then each event as the hub serialised
 * it (empty data lines kept, CR and CRLF split, UTF-8), whichever runtime writes it and however many events one send
 * carries. RESTEasy (WildFly) answers every stream with two line feeds before the first frame it is given; they
 * dispatch nothing and are the one difference allowed.
 */
class WireBytesIT extends DeployedWar {

    static final Pattern OPENING = Pattern.compile("(\n\n)?: sse-hub\nretry: (\\d+)\n\n");
    private static final String HEARTBEAT = ": heartbeat\n\n";

    @Test
    void everyEventIsWrittenExactlyAsSerialised() throws Exception {
        String topic = "bytes-" + UUID.randomUUID();
        List<String> bodies = List.of("plain", "a\n\nb\r\n", "one\rtwo\r\nthree", "", "caf\u00e9 \u2603 \uD83D\uDE00",
                "x".repeat(60_000));
        try (SseStream stream = stream("api/events?topic=" + topic)) {
            stream.next(TIMEOUT);
            StringBuilder expected = new StringBuilder();
            for (String body : bodies) {
                String id = publish(topic, body);
                expected.append("event: ").append(topic).append("\nid: ").append(id).append('\n');
                for (String line : body.split("\r\n|\r|\n", -1)) {
                    expected.append("data: ").append(line).append('\n');
                }
                expected.append('\n');
            }
            for (int i = 0; i < bodies.size(); i++) {
                stream.nextEvent(TIMEOUT);
            }

            String received = stream.body();
            Matcher opening = OPENING.matcher(received);
            assertTrue(opening.lookingAt(), "the stream opens with a comment and retry: " + received.substring(0, 40));
            assertEquals("wildfly".equals(System.getProperty("arquillian.launch")), opening.group(1) != null,
                    "two line feeds before the opening on RESTEasy only");
            assertJitteredRetry(opening.group(2));
            assertEquals(expected.toString(), received.substring(opening.end()).replace(HEARTBEAT, ""));
        }
    }

    /** Events published faster than one send each are coalesced into fewer sends; the bytes stay the same. */
    @Test
    void aBurstArrivesWhole() throws Exception {
        String topic = "burst-" + UUID.randomUUID();
        try (SseStream stream = stream("api/events?topic=" + topic)) {
            stream.next(TIMEOUT);
            StringBuilder expected = new StringBuilder();
            for (int i = 0; i < 200; i++) {
                String id = publish(topic, "event " + i + "\n");
                expected.append("event: ").append(topic).append("\nid: ").append(id)
                        .append("\ndata: event ").append(i).append("\ndata: \n\n");
            }
            for (int i = 0; i < 200; i++) {
                assertEquals("event " + i + "\n", stream.nextEvent(TIMEOUT).data());
            }
            String received = stream.body();
            Matcher opening = OPENING.matcher(received);
            assertTrue(opening.lookingAt());
            assertEquals(expected.toString(), received.substring(opening.end()).replace(HEARTBEAT, ""));
        }
    }

    private String publish(String topic, String body) throws Exception {
        HttpResponse<String> response = send(textPublish(topic, body));
        assertEquals(201, response.statusCode(), response.body());
        return response.body().replaceAll("\\D", "");
    }
}
