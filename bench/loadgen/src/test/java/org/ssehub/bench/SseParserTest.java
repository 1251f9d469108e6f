package org.ssehub.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SseParserTest {
    static final String STREAM = String.join("",
            ": sse-hub\n",
            "retry: 4417\n",
            "\n",
            "event: ticker\r\n",
            "id: 17\r\n",
            "data: {\"message\":\"15:07:10\"}\r\n",
            "\r\n",
            "id: 18\r",
            "data: line one\r",
            "data:line two\r",
            ": a comment in the middle\r",
            "data\r",
            "\r",
            "event: only-type\n",
            "\n",
            "event: bench\n",
            "data: 12 345678 xxxxxxxx\n",
            "unknownfield: ignored\n",
            "\n",
            "data:\n",
            "\n",
            "id: 19\n",
            "data: last\n",
            "\n");

    static final List<String> EXPECTED = List.of(
            "ticker|17|{\"message\":\"15:07:10\"}",
            "message|18|line one\nline two\n",
            "bench|18|12 345678 xxxxxxxx",
            "message|18|",
            "message|19|last");

    static class Recorder extends SseParser {
        final List<String> events = new ArrayList<>();
        int status;
        int bodyStarts;
        String end;

        Recorder(int maxData) {
            super(maxData);
        }

        @Override
        protected void onStatus(int code) {
            status = code;
            if (code != 200) {
                stop();
            }
        }

        @Override
        protected void onBodyStart() {
            bodyStarts++;
        }

        @Override
        protected void onEvent() {
            events.add(typeString() + "|" + idString() + "|" + dataString());
        }

        @Override
        protected void onEnd(String reason) {
            end = reason;
        }
    }

    static byte[] response(boolean chunked, int chunkSize, boolean last) {
        String head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
                + (chunked ? "transfer-encoding: Chunked\r\n" : "") + "\r\n";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(head.getBytes(StandardCharsets.US_ASCII));
        byte[] body = STREAM.getBytes(StandardCharsets.UTF_8);
        if (!chunked) {
            out.writeBytes(body);
            return out.toByteArray();
        }
        for (int i = 0, k = 0; i < body.length; k++) {
            int n = Math.min(body.length - i, chunkSize + k % 3);
            String size = Integer.toHexString(n) + (k % 4 == 1 ? ";ext=1" : "") + "\r\n";
            out.writeBytes(size.getBytes(StandardCharsets.US_ASCII));
            out.write(body, i, n);
            out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
            i += n;
        }
        if (last) {
            out.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        return out.toByteArray();
    }

    static Recorder feedSplit(byte[] b, int... cuts) {
        Recorder r = new Recorder(1 << 16);
        int from = 0;
        for (int cut : cuts) {
            r.feed(b, from, cut - from);
            from = cut;
        }
        r.feed(b, from, b.length - from);
        return r;
    }

    @Test
    void plainBodySplitAtEveryPosition() {
        byte[] b = response(false, 0, false);
        for (int cut = 0; cut <= b.length; cut++) {
            Recorder r = feedSplit(b, cut);
            assertEquals(EXPECTED, r.events, "split at " + cut);
            assertEquals(200, r.status);
            assertEquals(1, r.bodyStarts);
        }
    }

    @Test
    void chunkedBodySplitAtEveryPairOfPositions() {
        for (int chunkSize : new int[] {1, 2, 5, 13, 1000}) {
            byte[] b = response(true, chunkSize, true);
            for (int cut = 0; cut <= b.length; cut++) {
                for (int cut2 = cut; cut2 <= b.length; cut2 += Math.max(5, b.length / 40)) {
                    Recorder r = feedSplit(b, cut, cut2);
                    assertEquals(EXPECTED, r.events, "chunk " + chunkSize + " split at " + cut + "," + cut2);
                    assertEquals("end", r.end);
                    assertTrue(r.stopped());
                }
            }
        }
    }

    @Test
    void byteAtATime() {
        byte[] b = response(true, 3, false);
        Recorder r = new Recorder(1 << 16);
        for (int i = 0; i < b.length; i++) {
            r.feed(b, i, 1);
        }
        assertEquals(EXPECTED, r.events);
        assertEquals(null, r.end);
    }

    @Test
    void keepsOnlyThePrefixOfLargeData() {
        String body = "data: 0123456789abcdef\ndata: second\n\n";
        byte[] b = ("HTTP/1.1 200 OK\r\n\r\n" + body).getBytes(StandardCharsets.US_ASCII);
        List<String> seen = new ArrayList<>();
        SseParser p = new Recorder(8) {
            @Override
            protected void onEvent() {
                seen.add(dataString() + "/" + dataTotal);
            }
        };
        p.feed(b, 0, b.length);
        assertEquals(List.of("01234567/23"), seen);
    }

    @Test
    void refusedStatusStopsParsing() {
        byte[] b = "HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\n\r\ndata: x\n\n".getBytes(StandardCharsets.US_ASCII);
        Recorder r = feedSplit(b, 9);
        assertEquals(503, r.status);
        assertEquals(List.of(), r.events);
        assertEquals(0, r.bodyStarts);
    }

    @Test
    void malformedChunkEndsTheStream() {
        byte[] b = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n".getBytes(StandardCharsets.US_ASCII);
        Recorder r = feedSplit(b);
        assertEquals("bad-chunk", r.end);
    }
}
