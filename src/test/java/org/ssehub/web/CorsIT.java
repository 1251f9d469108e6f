package org.ssehub.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.ssehub.DeployedWar;
import org.ssehub.SseStream;

/** The test servers run with {@code SSE_ALLOWED_ORIGINS=http://allowed.example}. */
class CorsIT extends DeployedWar {

    private static final String ALLOWED = "http://allowed.example";

    @Test
    void anAllowedOriginGetsItselfBackOnTheStream() throws Exception {
        try (SseStream stream = stream("api/events", "Origin: " + ALLOWED)) {
            assertEquals(200, stream.status());
            assertEquals(ALLOWED, stream.header("access-control-allow-origin"));
            assertTrue(stream.header("vary").contains("Origin"), stream.header("vary"));
        }
    }

    @Test
    void anyOtherOriginGetsNoCorsHeader() throws Exception {
        for (String origin : new String[] {"http://evil.example", "http://allowed.example.evil", "null", "HTTP://ALLOWED.EXAMPLE"}) {
            HttpResponse<String> response = get("api/topics", "Origin", origin);
            assertEquals(200, response.statusCode());
            assertTrue(response.headers().map().keySet().stream().noneMatch(h -> h.toLowerCase().startsWith("access-control-")),
                    origin + " got " + response.headers().map());
        }
    }

    @Test
    void publishingPreflightAllowsAuthorizationAndContentType() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(base().resolve("api/topics/news/events"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", ALLOWED)
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "authorization, content-type"));
        assertEquals(204, response.statusCode());
        assertEquals(ALLOWED, response.headers().firstValue("access-control-allow-origin").orElseThrow());
        assertTrue(response.headers().firstValue("access-control-allow-methods").orElseThrow().contains("POST"));
        String allowed = response.headers().firstValue("access-control-allow-headers").orElseThrow();
        assertTrue(allowed.contains("Authorization") && allowed.contains("Content-Type"), allowed);
    }

    @Test
    void preflightFromAnAllowedOriginIsAnswered() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(base().resolve("api/events"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", ALLOWED)
                .header("Access-Control-Request-Method", "GET")
                .header("Access-Control-Request-Headers", "last-event-id"));
        assertEquals(204, response.statusCode());
        assertEquals(ALLOWED, response.headers().firstValue("access-control-allow-origin").orElseThrow());
        assertTrue(response.headers().firstValue("access-control-allow-headers").orElseThrow().contains("Last-Event-ID"));
    }
}
