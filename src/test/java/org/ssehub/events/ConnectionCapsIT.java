package org.ssehub.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.ssehub.DeployedWar;
import org.ssehub.SseStream;

/** The test servers run with SSE_MAX_CONNECTIONS_PER_CLIENT=40 and SSE_MAX_CONNECTIONS=210. */
class ConnectionCapsIT extends DeployedWar {

    @Test
    void overACapAStreamGets503WithRetryAfterAndNoOpenStreamIsEvicted() throws Exception {
        List<SseStream> open = new ArrayList<>();
        try {
            for (int i = 0; i < 40; i++) {
                open.add(stream("api/events"));
                assertEquals(200, open.get(i).status(), "stream " + (i + 1) + " from one address");
            }
            HttpResponse<String> refused = get("api/events");
            assertEquals(503, refused.statusCode());
            assertTrue(refused.headers().firstValue("content-type").orElseThrow().startsWith("application/problem+json"));
            assertTrue(refused.body().contains("SSE_MAX_CONNECTIONS_PER_CLIENT"), refused.body());
            assertRetryAfter(refused.headers().firstValue("retry-after").orElseThrow());

            for (int i = 0; i < 170; i++) {
                open.add(SseStream.openFrom("127.0.0." + (2 + i / 40), base(), "api/events"));
                assertEquals(200, open.get(40 + i).status(), "stream " + (i + 1) + " from five more addresses");
            }
            try (SseStream overall = SseStream.openFrom("127.0.0.6", base(), "api/events")) {
                assertEquals(503, overall.status(), "the 211th stream on the node");
                assertRetryAfter(overall.header("retry-after"));
            }
            HttpResponse<String> ready = get("api/health/ready");
            assertEquals(503, ready.statusCode(), "a full node is not ready for new streams");
            assertTrue(ready.body().contains("\"capacity\":\"DOWN\""), ready.body());
            assertEquals(200, get("api/health/live").statusCode(), "but it lives");
            for (SseStream stream : open) {
                assertEquals("ticker", stream.nextEvent(TIMEOUT).event(), "no open stream was evicted");
            }
        } finally {
            for (SseStream stream : open) {
                stream.close();
            }
        }
    }

    /** Jittered between one and two times SSE_RETRY_MILLIS, in whole seconds. */
    private static void assertRetryAfter(String retryAfter) {
        long seconds = Long.parseLong(retryAfter);
        assertTrue(seconds >= 3 && seconds <= 6, "Retry-After: " + retryAfter);
    }
}
