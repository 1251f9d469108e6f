package org.ssehub.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.StringReader;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.ssehub.DeployedWar;
import org.ssehub.SseStream;
import org.ssehub.SseStream.Frame;

/** Publishing over HTTP; the test servers run with SSE_PUBLISH_TOKEN=it-publish-token and an HS256 secret. */
class PublishIT extends DeployedWar {

    private static final String TOKEN = "Bearer it-publish-token";
    private static final String SECRET = "it-jwt-secret-of-at-least-32-bytes!";

    @Test
    void textIsPublishedToSubscribersWithItsLinesSplitOnCrLfAndCrlf() throws Exception {
        String topic = topic();
        try (SseStream stream = stream("api/events?topic=" + topic)) {
            stream.next(TIMEOUT);
            HttpResponse<String> published = publish(topic, "text/plain", "one\rtwo\r\nthree\nfour", TOKEN);
            assertEquals(201, published.statusCode(), published.body());
            String id = json(published).getString("id");
            Frame event = stream.nextEvent(TIMEOUT);
            assertEquals(id, event.id());
            assertEquals(topic, event.event());
            assertEquals(List.of("data: one", "data: two", "data: three", "data: four"),
                    event.lines().stream().filter(line -> line.startsWith("data")).toList());
        }
    }

    @Test
    void emptyLinesInDataAreKeptByteForByte() throws Exception {
        String topic = topic();
        try (SseStream stream = stream("api/events?topic=" + topic)) {
            stream.next(TIMEOUT);
            String id = json(publish(topic, "text/plain", "a\n\nb\r\n", TOKEN)).getString("id");
            assertEquals(List.of("event: " + topic, "id: " + id, "data: a", "data: ", "data: b", "data: "),
                    stream.nextEvent(TIMEOUT).lines());
        }
    }

    @Test
    void jsonIsPublishedWithItsEventNameOrTheTopicAsName() throws Exception {
        String topic = topic();
        try (SseStream stream = stream("api/events?topic=" + topic)) {
            stream.next(TIMEOUT);
            assertEquals(201, publish(topic, "application/json", "{\"event\":\"greeting\",\"data\":{\"text\":\"h\u00e9llo\"}}", TOKEN).statusCode());
            assertEquals(201, publish(topic, "application/json; charset=UTF-8", "{\"data\":[1,2]}", TOKEN).statusCode());
            Frame greeting = stream.nextEvent(TIMEOUT);
            assertEquals("greeting", greeting.event());
            assertEquals("{\"text\":\"h\u00e9llo\"}", greeting.data());
            Frame unnamed = stream.nextEvent(TIMEOUT);
            assertEquals(topic, unnamed.event());
            assertEquals("[1,2]", unnamed.data());
        }
    }

    @Test
    void credentials() throws Exception {
        String topic = "jwt." + UUID.randomUUID();
        assertProblem(publish(topic, "text/plain", "x", null), 401);
        assertProblem(publish(topic, "text/plain", "x", "Bearer wrong"), 401);
        assertProblem(publish(topic, "text/plain", "x", "Basic aXQ6cHVibGlzaA=="), 401);
        assertEquals("Bearer realm=\"sse-hub\"", publish(topic, "text/plain", "x", null).headers().firstValue("www-authenticate").orElseThrow());
        assertEquals(201, publish(topic, "text/plain", "x", "Bearer " + jwt(List.of("jwt.*"), SECRET)).statusCode());
        assertProblem(publish("other-" + topic, "text/plain", "x", "Bearer " + jwt(List.of("jwt.*"), SECRET)), 403);
        assertProblem(publish(topic, "text/plain", "x", "Bearer " + jwt(List.of("jwt*"), SECRET)), 401);
        assertProblem(publish(topic, "text/plain", "x", "Bearer " + jwt(Arrays.asList((String) null), SECRET)), 401);
        assertProblem(publish(topic, "text/plain", "x", "Bearer " + jwt(List.of("*"), SECRET.replace('i', 'j'))), 401);
    }

    @Test
    void badInputGetsAProblemAndChangesNothing() throws Exception {
        String topic = topic();
        long id = Long.parseLong(json(publish(topic, "text/plain", "first", TOKEN)).getString("id"));
        assertProblem(publish(topic, "application/x-www-form-urlencoded", "a=b", TOKEN), 415);
        assertProblem(publish(topic, "application/json", "{\"data\":", TOKEN), 400);
        assertProblem(publish(topic, "application/json", "[1]", TOKEN), 400);
        assertProblem(publish(topic, "application/json", "{\"event\":\"a\\nb\",\"data\":1}", TOKEN), 400);
        assertProblem(publish(topic, "application/json", "{\"event\":\"a\\u0000b\",\"data\":1}", TOKEN), 400);
        assertProblem(publish(topic, "application/json", "{\"event\":\"e\"}", TOKEN), 400);
        assertProblem(publish(topic, "application/json", "{\"data\":1,\"dta\":2}", TOKEN), 400);
        assertProblem(send(HttpRequest.newBuilder(base().resolve("api/topics/" + topic + "/events?event=a%0D%0Adata:%20evil"))
                .header("Authorization", TOKEN).header("Content-Type", "text/plain").POST(BodyPublishers.ofString("x"))), 400);
        assertProblem(publish("bad%20topic", "text/plain", "x", TOKEN), 400);
        assertProblem(publish(topic, "text/plain", "x".repeat(65_537), TOKEN), 413);
        assertProblem(publish(topic, "text/plain", "\n".repeat(65_536), TOKEN), 413);
        assertEquals(id, lastId(topic), "nothing was published by the refused requests");
        assertEquals(201, publish(topic, "text/plain", "x".repeat(65_536), TOKEN).statusCode(), "exactly the limit is fine");
    }

    @Test
    void hostileJsonGetsAProblemAndChangesNothing() throws Exception {
        String topic = topic();
        long id = Long.parseLong(json(publish(topic, "text/plain", "first", TOKEN)).getString("id"));
        assertProblem(publish(topic, "application/json", "{\"data\":" + "[".repeat(20_000) + "]".repeat(20_000) + "}", TOKEN), 400);
        assertProblem(publish(topic, "application/json", "{\"data\":" + "{\"a\":".repeat(5_000) + "1" + "}".repeat(5_000) + "}", TOKEN), 400);
        assertProblem(publish(topic, "application/json", "{\"data\":1" + "0".repeat(5_000) + "}", TOKEN), 400);
        assertProblem(publish(topic, "application/json", "{\"data\":1} trailing", TOKEN), 400);
        assertProblem(publish(topic, "application/json", "{\"data\":1}{\"data\":2}", TOKEN), 400);
        assertProblem(publish(topic, "application/json", "{\"data\":1,\"data\":2}", TOKEN), 400);
        assertProblem(publish(topic, "application/json; charset=ISO-8859-1", "{\"data\":1}", TOKEN), 415);
        assertProblem(publish(topic, "text/plain; charset=UTF-16", "x", TOKEN), 415);
        assertProblem(send(HttpRequest.newBuilder(base().resolve("api/topics/" + topic + "/events"))
                .header("Authorization", TOKEN).POST(BodyPublishers.ofString("{\"data\":1}"))), 415);
        assertEquals(id, lastId(topic), "nothing was published by the refused requests");
        assertEquals(201, publish(topic, "application/json; charset=utf-8", "{\"data\":[[[1.5e300]]]}", TOKEN).statusCode());
        assertEquals(201, publish(topic, "text/plain;charset=UTF-8", "x", TOKEN).statusCode());
    }

    @Test
    void theHubsOwnNamesAreReserved() throws Exception {
        String topic = topic();
        long id = Long.parseLong(json(publish(topic, "text/plain", "first", TOKEN)).getString("id"));
        assertProblem(publish("ticker", "text/plain", "fake tick", TOKEN), 403);
        assertProblem(publish("ticker", "application/json", "{\"data\":1}", TOKEN), 403);
        assertProblem(publish(topic, "application/json", "{\"event\":\"reset\",\"data\":1}", TOKEN), 403);
        assertProblem(publish(topic, "application/json", "{\"event\":\"ticker\",\"data\":1}", TOKEN), 403);
        assertProblem(send(HttpRequest.newBuilder(base().resolve("api/topics/" + topic + "/events?event=reset"))
                .header("Authorization", TOKEN).header("Content-Type", "text/plain").POST(BodyPublishers.ofString("x"))), 403);
        assertEquals(id, lastId(topic), "nothing was published by the refused requests");
    }

    @Test
    void aHugeDeclaredBodyIsRefusedBeforeItIsRead() throws Exception {
        try (Socket socket = new Socket(base().getHost(), base().getPort())) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST " + base().getPath() + "api/topics/" + topic() + "/events HTTP/1.1\r\nHost: localhost\r\n"
                    + "Authorization: " + TOKEN + "\r\nContent-Type: text/plain\r\nContent-Length: 10485760\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(new byte[8192]);
            out.flush();
            socket.setSoTimeout((int) TIMEOUT.toMillis());
            InputStream in = socket.getInputStream();
            String status = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
            assertEquals("HTTP/1.1 413", status);
        }
    }

    /**
     * The client declares 100 bytes, sends 10 and closes its side. The hub answers 400 problem+json where the
     * container lets it (WildFly); Tomcat answers its own 400 and Payara closes the connection. Never a 500, a stack
     * trace or a publish.
     */
    @Test
    void aBodyCutShortGetsAProblemAndPublishesNothing() throws Exception {
        String topic = topic();
        long id = Long.parseLong(json(publish(topic, "text/plain", "first", TOKEN)).getString("id"));
        try (Socket socket = new Socket(base().getHost(), base().getPort())) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST " + base().getPath() + "api/topics/" + topic + "/events HTTP/1.1\r\nHost: localhost\r\n"
                    + "Authorization: " + TOKEN + "\r\nContent-Type: text/plain\r\nContent-Length: 100\r\n\r\nonly ten b")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            socket.shutdownOutput();
            socket.setSoTimeout((int) TIMEOUT.toMillis());
            String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(response.isEmpty() || response.startsWith("HTTP/1.1 400"),
                    "400, or no answer at all (Payara closes such a request): " + response);
            assertFalse(response.contains("Exception") || response.contains(".java:"), "no stack trace: " + response);
        }
        assertEquals(id, lastId(topic), "nothing was published");
    }

    @Test
    void aQuietStreamGetsAHeartbeatAfterTheIntervalAndOnlyThen() throws Exception {
        try (SseStream stream = stream("api/events?topic=" + topic())) {
            stream.next(TIMEOUT);
            long opened = System.nanoTime();
            Frame heartbeat = stream.next(TIMEOUT);
            long waitedMillis = (System.nanoTime() - opened) / 1_000_000;
            assertEquals(List.of(": heartbeat"), heartbeat.lines());
            assertTrue(waitedMillis >= 1500, "heartbeat only after SSE_HEARTBEAT_SECONDS=2 of silence, came after " + waitedMillis + " ms");
        }
    }

    private static String topic() {
        return "it-" + UUID.randomUUID();
    }

    private HttpResponse<String> publish(String topic, String contentType, String body, String authorization) throws Exception {
        var request = HttpRequest.newBuilder(base().resolve("api/topics/" + topic + "/events"))
                .header("Content-Type", contentType)
                .POST(BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return send(request);
    }

    private long lastId(String topic) throws Exception {
        return Long.parseLong(topic(topic).orElseThrow().getString("lastId"));
    }

    private static JsonObject json(HttpResponse<String> response) {
        return Json.createReader(new StringReader(response.body())).readObject();
    }

    private static void assertProblem(HttpResponse<String> response, int status) {
        assertEquals(status, response.statusCode(), response.body());
        assertTrue(response.headers().firstValue("content-type").orElse("").startsWith("application/problem+json"),
                "problem+json, got " + response.headers().firstValue("content-type") + ": " + response.body());
        JsonObject problem = json(response);
        assertEquals(status, problem.getInt("status"));
        assertTrue(!problem.getString("detail").isBlank());
    }

    private static String jwt(List<String> topics, String secret) throws Exception {
        var claims = new JWTClaimsSet.Builder().claim("topics", topics)
                .expirationTime(new Date(System.currentTimeMillis() + 60_000)).build();
        var jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
        jwt.sign(new MACSigner(secret));
        return jwt.serialize();
    }
}
