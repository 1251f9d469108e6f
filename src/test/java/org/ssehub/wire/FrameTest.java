package org.ssehub.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class FrameTest {

    @Test
    void anEventIsIdEventAndOneDataLinePerLine() {
        assertEquals("event: ticker\nid: 7\ndata: {\"message\":\"15:07:10\"}\n",
                body(Frame.event("7", "ticker", "{\"message\":\"15:07:10\"}")));
    }

    @Test
    void dataSplitsOnCrLfAndCrlfKeepingEmptyLines() {
        assertEquals("event: e\nid: 1\ndata: a\ndata: b\ndata: c\ndata: \ndata: d\ndata: \n",
                body(Frame.event("1", "e", "a\rb\r\nc\n\nd\n")));
        assertEquals("event: e\nid: 1\ndata: \n", body(Frame.event("1", "e", "")));
    }

    @Test
    void restEasyWritesTheSameBytesFromTheGetters() {
        Frame event = Frame.event("7", "e", "a\n\nb");
        assertEquals("e\nid: 7\ndata: a\ndata: \ndata: b", event.getName());
        assertNull(event.getId());
        assertNull(event.getData());
        assertEquals("event: " + event.getName() + "\n", body(event));
    }

    @Test
    void theStreamStartsWithACommentAndRetry() {
        Frame start = Frame.retry("sse-hub", 3000);
        assertEquals(": sse-hub\nretry: 3000\n", body(start));
        assertEquals(String.class, start.getType());
        assertNull(start.getData());
    }

    @Test
    void aHeartbeatIsABareComment() {
        Frame heartbeat = Frame.comment("");
        assertEquals(":\n", body(heartbeat));
        assertNull(heartbeat.getType());
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
        assertEquals("event: e\nid: 1\ndata: caf\u00e9 \u2603\n", body(Frame.event("1", "e", "caf\u00e9 \u2603")));
    }

    private static String body(Frame frame) {
        return new String(frame.body(), StandardCharsets.UTF_8);
    }
}
