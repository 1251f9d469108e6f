package org.ssehub.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.ssehub.DeployedWar;
import org.ssehub.Nginx;
import org.ssehub.SseStream;
import org.ssehub.access.PrivateTopicsIT;

/**
 * With {@code SSE_TRUSTED_PROXIES=127.0.0.1} and the shipped nginx config in front, streams are capped per client, by
 * the address nginx saw, not per proxy. The clients connect to nginx from 127.0.0.2 and up; nginx connects to the
 * app from {@link #PROXY}. The test servers cap streams at 40 per client and 210 in all. With {@code SSE_METRICS_TOKEN},
 * the metrics are for that bearer token only.
 */
@ExtendWith(ArquillianExtension.class)
class OperatorSettingsIT {

    private static final int PER_CLIENT = 40;
    private static final String METRICS_TOKEN = "it-metrics-token-0123456789";
    /** nginx connects to the app from here (proxy_bind), an address no other test uses. */
    static final String PROXY = "127.0.0.7";
    private static final String REFUSED_PER_CLIENT = "sse_hub_streams_refused_total{reason=\"max_connections_per_client\"}";

    @ArquillianResource
    private URL deployedAt;

    @Deployment(testable = false)
    static WebArchive war() throws IOException {
        return DeployedWar.war(Map.of("SSE_TRUSTED_PROXIES", PROXY, "SSE_METRICS_TOKEN", METRICS_TOKEN));
    }

    private URI base() {
        return URI.create(deployedAt.toString().endsWith("/") ? deployedAt.toString() : deployedAt + "/");
    }

    @Test
    void streamsThroughTheTrustedProxyAreCappedPerClientAddress() throws Exception {
        List<SseStream> open = new ArrayList<>();
        double refused = metric(REFUSED_PER_CLIENT);
        try (Nginx nginx = Nginx.start(base().getPort(), bindTo(PROXY))) {
            URI app = nginx.in().resolve(base().getPath());
            for (String client : List.of("127.0.0.2", "127.0.0.3", "127.0.0.4")) {
                int streams = client.equals("127.0.0.2") ? PER_CLIENT : 5;
                for (int i = 0; i < streams; i++) {
                    SseStream stream = SseStream.openFrom(client, app, "api/events");
                    open.add(stream);
                    assertEquals(200, stream.status(), "stream " + (i + 1) + " from " + client + " through nginx");
                }
            }
            try (SseStream over = SseStream.openFrom("127.0.0.2", app, "api/events")) {
                assertEquals(503, over.status(), "the 41st stream of 127.0.0.2");
            }
            assertEquals(refused + 1, metric(REFUSED_PER_CLIENT));
            for (SseStream stream : open) {
                assertEquals("ticker", stream.nextEvent(DeployedWar.TIMEOUT).event());
            }
        } finally {
            for (SseStream stream : open) {
                stream.close();
            }
        }
    }

    /**
     * A page served through the shipped nginx config posts its token with its own origin, nginx's address and port:
     * the hub recognises it from the Host and scheme nginx passes on, and answers with the cookie.
     */
    @Test
    void aPageBehindTheTrustedProxyGetsItsSessionCookie() throws Exception {
        try (Nginx nginx = Nginx.start(base().getPort(), bindTo(PROXY))) {
            URI app = nginx.in().resolve(base().getPath());
            String origin = "http://" + nginx.in().getHost() + ":" + nginx.in().getPort();
            var http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            String token = PrivateTopicsIT.token(PrivateTopicsIT.SECRET, List.of("orders.*"), 60);
            HttpResponse<String> session = http.send(HttpRequest.newBuilder(app.resolve("api/session"))
                    .header("Origin", origin).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"token\":\"" + token + "\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, session.statusCode(), session.body());
            String cookie = session.headers().firstValue("Set-Cookie").orElseThrow();
            assertTrue(cookie.startsWith("sse_token=" + token + ";") && !cookie.contains("Secure"), cookie);
        }
    }

    @Test
    void aClientThatIsNoTrustedProxyCannotClaimOtherAddresses() throws Exception {
        List<SseStream> open = new ArrayList<>();
        double refused = metric(REFUSED_PER_CLIENT);
        try {
            for (int i = 0; i < PER_CLIENT; i++) {
                SseStream stream = SseStream.openFrom("127.0.0.5", base(), "api/events", "X-Forwarded-For: 198.51.100." + i,
                        "Forwarded: for=203.0.113." + i);
                open.add(stream);
                assertEquals(200, stream.status());
            }
            try (SseStream over = SseStream.openFrom("127.0.0.5", base(), "api/events", "X-Forwarded-For: 198.51.100.99",
                    "Forwarded: for=203.0.113.99")) {
                assertEquals(503, over.status(), "127.0.0.5 is no proxy: its forwarded headers are ignored");
            }
            assertEquals(refused + 1, metric(REFUSED_PER_CLIENT));
        } finally {
            for (SseStream stream : open) {
                stream.close();
            }
        }
    }

    @Test
    void metricsNeedTheTokenWhenOneIsSet() throws Exception {
        var http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        for (String authorization : new String[] {null, "Bearer wrong-token-0123456789", "Basic " + METRICS_TOKEN}) {
            var request = HttpRequest.newBuilder(base().resolve("api/metrics"));
            if (authorization != null) {
                request.header("Authorization", authorization);
            }
            HttpResponse<String> refused = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(401, refused.statusCode(), String.valueOf(authorization));
            assertTrue(refused.headers().firstValue("www-authenticate").orElseThrow().startsWith("Bearer"));
            assertTrue(refused.headers().firstValue("content-type").orElseThrow().startsWith("application/problem+json"));
            assertTrue(!refused.body().contains("sse_hub_"), refused.body());
        }
        HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(base().resolve("api/metrics"))
                .header("Authorization", "Bearer " + METRICS_TOKEN).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, metrics.statusCode());
        assertTrue(metrics.body().contains("sse_hub_connections "), metrics.body());
    }

    /** The shipped nginx config, connecting to the app from {@code address}. */
    static Map<String, String> bindTo(String address) {
        return Map.of("proxy_set_header X-Forwarded-For $remote_addr;",
                "proxy_set_header X-Forwarded-For $remote_addr; proxy_bind " + address + ";");
    }

    private double metric(String sample) throws Exception {
        var http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        String body = http.send(HttpRequest.newBuilder(base().resolve("api/metrics")).header("Authorization", "Bearer " + METRICS_TOKEN)
                .build(), HttpResponse.BodyHandlers.ofString()).body();
        return body.lines().filter(line -> line.startsWith(sample + " "))
                .mapToDouble(line -> Double.parseDouble(line.substring(sample.length() + 1).trim()))
                .findFirst().orElseThrow(() -> new AssertionError("no " + sample + " in\n" + body));
    }
}
