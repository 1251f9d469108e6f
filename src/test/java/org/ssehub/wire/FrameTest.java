package org.ssehub.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class FrameTest {

    @Test
    void anEventIsIdEventAndOneDataLinePerLine() {
        assertEquals("event: ticker\nid: 7\ndata: {\"message\":\"15:07:10\"}\n\n",
                body(Frame.event("7", "ticker", "{\"message\":\"15:07:10\"}")));
    }

    @Test
    void dataSplitsOnCrLfAndCrlfKeepingEmptyLines() {
        assertEquals("event: e\nid: 1\ndata: a\ndata: b\ndata: c\ndata: \ndata: d\ndata: \n\n",
                body(Frame.event("1", "e", "a\rb\r\nc\n\nd\n")));
        assertEquals("event: e\nid: 1\ndata: \n\n", body(Frame.event("1", "e", "")));
    }

    @Test
    void anEventWithoutIdLeavesTheLastIdAlone() {
        Frame expired = Frame.withoutId("expired", "{\"reason\":\"r\"}");
        assertEquals("event: expired\ndata: {\"reason\":\"r\"}\n\n", body(expired));
        assertEquals("expired\ndata: {\"reason\":\"r\"}", expired.getName(), "for RESTEasy, which adds the line break");
    }

    @Test
    void theStreamStartsWithACommentAndRetry() {
        assertEquals(": sse-hub\nretry: 3000\n\n", body(Frame.retry("sse-hub", 3000)));
    }

    @Test
    void aHeartbeatIsABareComment() {
        assertEquals(": heartbeat\n\n", body(Frame.comment("heartbeat")));
        assertThrows(IllegalArgumentException.class, () -> Frame.comment(""));
    }

    @Test
    void aJoinedFrameTellsEachPartsTallyWhatBecameOfIt() {
        int[] first = new int[2];
        int[] second = new int[2];
        Frame a = Frame.event("1", "e", "a").tallied(tally(first));
        Frame joined = Frame.join(List.of(a, Frame.event("2", "e", "b"), Frame.event("3", "e", "c").tallied(tally(second)),
                Frame.join(List.of(a, Frame.event("4", "e", "d")))));
        joined.tallyWritten();
        assertEquals(2, first[0], "a was written twice, once within a joined part");
        assertEquals(1, second[0]);
        joined.tallyDropped();
        assertEquals(2, first[1]);
        assertEquals(1, second[1]);
        Frame.comment("c").tallyWritten();
    }

    private static Frame.Tally tally(int[] counts) {
        return new Frame.Tally() {
            @Override
            public void written(int events) {
                counts[0] += events;
            }

            @Override
            public void dropped(int events) {
                counts[1] += events;
            }
        };
    }

    @Test
    void joinedEventsAreWrittenOneAfterTheOther() {
        Frame a = Frame.event("1", "e", "a");
        Frame b = Frame.event("2", "e", "b\n\nc");
        Frame joined = Frame.join(List.of(a, b));
        assertEquals(body(a) + body(b), body(joined));
        assertThrows(IllegalArgumentException.class,
                () -> Frame.join(List.of(a, Frame.comment("heartbeat"))));
    }

    /** RESTEasy writes {@code event: NAME\n}, or {@code : COMMENT\n} and {@code retry: DELAY\n}, then {@code \n}. */
    @Test
    void theFieldsRebuildTheSameBytes() {
        Frame events = Frame.join(List.of(Frame.event("1", "e", "a\r\n\nb"), Frame.event("2", "f", "")));
        assertEquals(body(events), "event: " + events.getName() + "\n\n");
        assertEquals(String.class, events.getType());
        assertNull(events.getComment());

        Frame opening = Frame.retry("sse-hub", 4417);
        assertEquals(body(opening), ": " + opening.getComment() + "\nretry: " + opening.getReconnectDelay() + "\n\n");
        assertNull(opening.getName());
        assertEquals(String.class, opening.getType());

        Frame heartbeat = Frame.comment("heartbeat");
        assertEquals(body(heartbeat), ": " + heartbeat.getComment() + "\n\n");
        assertNull(heartbeat.getType());
        assertFalse(heartbeat.isReconnectDelaySet());
    }

    @Test
    void idsAndNamesWithLineBreaksOrNulAreRefused() {
        for (String bad : new String[] {"a\nb", "a\rb", "a\r\nb", "a\0b", "x\n\ndata: evil"}) {
            assertThrows(IllegalArgumentException.class, () -> Frame.event("1", bad, "d"));
            assertThrows(IllegalArgumentException.class, () -> Frame.event(bad, "e", "d"));
            assertFalse(Fields.isValid(bad));
        }
        assertTrue(Fields.isValid("caf\u00e9 \u2603 \t tab"));
    }

    @Test
    void utf8OnTheWire() {
        assertEquals("event: e\nid: 1\ndata: caf\u00e9 \u2603\n\n", body(Frame.event("1", "e", "caf\u00e9 \u2603")));
    }

    private static String body(Frame frame) {
        return new String(frame.bytes(), StandardCharsets.UTF_8);
    }
}
