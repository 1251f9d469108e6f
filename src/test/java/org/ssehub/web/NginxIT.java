package org.ssehub.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.ssehub.DeployedWar;
import org.ssehub.Nginx;
import org.ssehub.SseStream;

/**
 * The shipped server-config/nginx/sse-hub.conf in front of the app: events pass at once, unbuffered and uncompressed;
 * the app is told the client's address; streams per address and body sizes are limited at the proxy.
 */
class NginxIT extends DeployedWar {

    @Test
    void eventsPassThroughTheShippedNginxConfigAtOnce() throws Exception {
        try (Nginx nginx = Nginx.start(base().getPort(), Map.of())) {
            for (String path : List.of("api/events", "api/events/")) {
                try (SseStream stream = SseStream.open(nginx.in().resolve(base().getPath()), path, "Accept-Encoding: gzip")) {
                    assertEquals(200, stream.status(), path);
                    assertNull(stream.header("content-encoding"));
                    assertTrue(stream.header("cache-control").contains("no-cache"));
                    assertEquals(1, stream.next(TIMEOUT).comments().size(), "the opening comment is not held back on " + path);
                    long previous = 0;
                    for (int i = 0; i < 3; i++) {
                        long id = Long.parseLong(stream.nextEvent(TIMEOUT).id());
                        assertTrue(id > previous);
                        previous = id;
                    }
                }
            }
        }
    }

    @Test
    void streamsPerClientAddressAreLimitedAndOverLargeBodiesRefused() throws Exception {
        List<SseStream> open = new ArrayList<>();
        try (Nginx nginx = Nginx.start(base().getPort(), Map.of("limit_conn sse_hub_streams 100;", "limit_conn sse_hub_streams 2;"))) {
            URI app = nginx.in().resolve(base().getPath());
            for (int i = 0; i < 2; i++) {
                open.add(SseStream.open(app, "api/events"));
                assertEquals(200, open.get(i).status());
            }
            try (SseStream third = SseStream.open(app, "api/events/")) {
                assertEquals(429, third.status());
                assertEquals("10", third.header("retry-after"));
                assertTrue(third.header("content-type").startsWith("application/problem+json"));
            }
            var tooLarge = HttpClient.newHttpClient().send(HttpRequest.newBuilder(app.resolve("api/topics/nginx/events"))
                    .header("Authorization", "Bearer it-publish-token").header("Content-Type", "text/plain")
                    .POST(HttpRequest.BodyPublishers.ofString("x".repeat(65_537))).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(413, tooLarge.statusCode());
            assertTrue(tooLarge.headers().firstValue("content-type").orElseThrow().startsWith("application/problem+json"));
            assertTrue(tooLarge.body().contains("\"status\":413"), tooLarge.body());
        } finally {
            for (SseStream stream : open) {
                stream.close();
            }
        }
    }

    /**
     * Without SSE_TRUSTED_PROXIES (the test servers cap streams at 40 per client), every stream through nginx is
     * nginx's, whatever address it came from or claims. nginx connects from 127.0.0.8, which no other test uses.
     */
    @Test
    void withoutATrustedProxyForwardedAddressesChangeNothing() throws Exception {
        List<SseStream> open = new ArrayList<>();
        String refusedPerClient = "sse_hub_streams_refused_total{reason=\"max_connections_per_client\"}";
        double refused = metric(refusedPerClient);
        try (Nginx nginx = Nginx.start(base().getPort(), OperatorSettingsIT.bindTo("127.0.0.8"))) {
            URI app = nginx.in().resolve(base().getPath());
            for (int i = 0; i < 40; i++) {
                open.add(SseStream.openFrom("127.0.0.2", app, "api/events", "X-Forwarded-For: 198.51.100." + i));
                assertEquals(200, open.get(i).status());
            }
            try (SseStream other = SseStream.openFrom("127.0.0.3", app, "api/events", "Forwarded: for=203.0.113.1")) {
                assertEquals(503, other.status(), "through nginx, 127.0.0.3 is nginx too");
            }
            assertEquals(refused + 1, metric(refusedPerClient));
        } finally {
            for (SseStream stream : open) {
                stream.close();
            }
        }
    }

    /** Pointed at a socket of the test instead of the app, to see exactly what nginx forwards. */
    @Test
    void theAppIsToldTheClientsAddressNeverOneTheClientClaims() throws Exception {
        try (ServerSocket upstream = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
                Nginx nginx = Nginx.start(upstream.getLocalPort(), Map.of())) {
            upstream.setSoTimeout((int) TIMEOUT.toMillis());
            var answer = HttpClient.newHttpClient().sendAsync(HttpRequest.newBuilder(nginx.in().resolve("api/topics"))
                    .header("X-Forwarded-For", "203.0.113.9").build(), HttpResponse.BodyHandlers.discarding());
            List<String> head = new ArrayList<>();
            try (Socket proxied = upstream.accept()) {
                var in = new BufferedReader(new InputStreamReader(proxied.getInputStream(), StandardCharsets.ISO_8859_1));
                for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
                    head.add(line.toLowerCase(Locale.ROOT));
                }
                proxied.getOutputStream().write("HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            }
            assertEquals(204, answer.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS).statusCode());
            assertEquals(List.of("x-forwarded-for: 127.0.0.1"), head.stream().filter(line -> line.startsWith("x-forwarded-for")).toList());
        }
    }
}
