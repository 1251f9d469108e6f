package org.ssehub.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.ssehub.DeployedWar;
import org.ssehub.SseStream;
import org.ssehub.SseStream.Frame;

/**
 * Private topics: the WAR is deployed with {@code SSE_PRIVATE_TOPICS=news.*,newsroom,secret.*} and a clock skew of
 * 1 s; subscriber tokens are HS256 JWTs signed with the test servers' {@code SSE_JWT_SECRET}, sent as a bearer header
 * or in the {@code sse_token} cookie.
 */
@ExtendWith(ArquillianExtension.class)
public class PrivateTopicsIT {

    public static final String SECRET = "it-jwt-secret-of-at-least-32-bytes!";
    private static final String OTHER_SECRET = "another-secret-of-at-least-32-bytes";
    private static final Duration TIMEOUT = DeployedWar.TIMEOUT;
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @ArquillianResource
    private URL deployedAt;

    @Deployment(testable = false)
    static WebArchive war() throws IOException {
        return DeployedWar.war(Map.of("SSE_PRIVATE_TOPICS", "news.*,newsroom,secret.*", "SSE_JWT_CLOCK_SKEW_SECONDS", "1"));
    }

    @Test
    void aPrivateTopicNeedsATokenWhoseSubscribeClaimCoversIt() throws Exception {
        String sport = "news.sport-" + UUID.randomUUID();
        String token = token(SECRET, List.of("news.*"), 60);
        for (By by : By.values()) {
            assertRefused(401, open(sport, null, by), "no token");
            assertRefused(401, open(sport, token(SECRET, List.of("news.*"), -30), by), "expired");
            assertRefused(401, open(sport, token(OTHER_SECRET, List.of("news.*"), 60), by), "signed with another key");
            assertRefused(401, open(sport, unsigned(List.of("news.*")), by), "alg: none");
            assertRefused(403, open(sport, token(SECRET, List.of("weather"), 60), by), "a token for another topic");
            assertRefused(403, open("newsroom", token, by), "news.* does not cover newsroom");
            try (SseStream stream = open(sport, token, by)) {
                assertEquals(200, stream.status(), by + ": news.* covers " + sport);
            }
        }
    }

    @Test
    void aRefusalIsAProblemWithABearerChallengeAndNamesTheTopic() throws Exception {
        HttpResponse<String> none = get("api/events?topic=secret.a", "Accept", "text/event-stream");
        assertProblem(401, none, "no token");
        assertTrue(none.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer"), none.headers().toString());
        HttpResponse<String> forbidden = get("api/events?topic=secret.a", "Accept", "text/event-stream",
                "Authorization", "Bearer " + token(SECRET, List.of("secret.b"), 60));
        assertProblem(403, forbidden, "a token for secret.b");
        assertTrue(forbidden.body().contains("secret.a"), forbidden.body());
    }

    @Test
    void publicTopicsNeedNoTokenAndIgnoreABadOne() throws Exception {
        try (SseStream anonymous = SseStream.open(base(), "api/events?topic=news");
                SseStream badCookie = SseStream.open(base(), "api/events?topic=ticker", "Cookie: sse_token=not-a-jwt")) {
            assertEquals(200, anonymous.status());
            assertEquals(200, badCookie.status());
            assertEquals("ticker", badCookie.nextEvent(TIMEOUT).event());
        }
    }

    @Test
    void aStreamWithOneForbiddenTopicIsRefusedWhole() throws Exception {
        String allowed = "secret.mine-" + UUID.randomUUID();
        String token = token(SECRET, List.of(allowed), 60);
        HttpResponse<String> refused = get("api/events?topic=" + allowed + "&topic=secret.theirs&topic=ticker",
                "Accept", "text/event-stream", "Authorization", "Bearer " + token);
        assertProblem(403, refused, "one topic of three forbidden");
        assertTrue(refused.body().contains("secret.theirs"), refused.body());
        assertFalse(listed(token).contains(allowed), "the refused stream brought its topic to life");
    }

    @Test
    void historyOfAPrivateTopicIsReplayedOnlyToACoveringToken() throws Exception {
        String topic = "secret.diary-" + UUID.randomUUID();
        String token = token(SECRET, List.of(topic), 60);
        String before = publish("news", "before");
        List<String> ids = List.of(publish(topic, "one"), publish(topic, "two"));
        try (SseStream stream = SseStream.open(base(), "api/events?topic=" + topic, "Last-Event-ID: " + before,
                "Authorization: Bearer " + token)) {
            assertEquals(200, stream.status());
            assertEquals(ids, List.of(stream.nextEvent(TIMEOUT).id(), stream.nextEvent(TIMEOUT).id()));
        }
        HttpResponse<String> anonymous = get("api/events?topic=" + topic + "&lastEventId=" + before, "Accept", "text/event-stream");
        assertProblem(401, anonymous, "replay without a token");
        HttpResponse<String> other = get("api/events?topic=" + topic + "&lastEventId=" + before, "Accept", "text/event-stream",
                "Authorization", "Bearer " + token(SECRET, List.of("secret.other"), 60));
        assertProblem(403, other, "replay with a token for another topic");
        for (HttpResponse<String> refused : List.of(anonymous, other)) {
            assertFalse(refused.body().contains("data:") || refused.body().contains("two"), refused.body());
        }
    }

    @Test
    void aStreamEndsWithExpiredWhenItsTokenExpiresAndResumesWithAFreshOne() throws Exception {
        String topic = "news.expiring-" + UUID.randomUUID();
        double expiredBefore = metric("sse_hub_disconnects_total{reason=\"expired\"}");
        String lastSeen;
        long exp = System.currentTimeMillis() / 1000 + 3;
        try (SseStream stream = SseStream.open(base(), "api/events?topic=" + topic,
                "Authorization: Bearer " + token(SECRET, List.of("news.*"), Date.from(java.time.Instant.ofEpochSecond(exp))))) {
            assertEquals(200, stream.status());
            stream.next(TIMEOUT);
            publish(topic, "while valid");
            lastSeen = stream.nextEvent(TIMEOUT).id();
            List<Frame> rest = stream.restUntilEnd(Duration.ofSeconds(3 + 1).plus(TIMEOUT));
            long endedAt = System.currentTimeMillis();
            List<Frame> events = rest.stream().filter(frame -> frame.data() != null).toList();
            assertEquals(1, events.size(), "the farewell alone: " + rest);
            assertEquals("expired", events.get(0).event());
            assertNull(events.get(0).id(), "the farewell carries no id, so Last-Event-ID stays the last event's");
            assertTrue(endedAt >= exp * 1000, "not ended before exp: " + (endedAt - exp * 1000) + " ms");
            assertTrue(endedAt <= (exp + 1 + 3) * 1000, "ended within 3 s of exp plus the skew: " + (endedAt - exp * 1000) + " ms");
        }
        assertEquals(expiredBefore + 1, metric("sse_hub_disconnects_total{reason=\"expired\"}"));
        String missed = publish(topic, "while away");
        try (SseStream resumed = SseStream.open(base(), "api/events?topic=" + topic, "Last-Event-ID: " + lastSeen,
                "Authorization: Bearer " + token(SECRET, List.of("news.*"), 60))) {
            assertEquals(200, resumed.status());
            assertEquals(missed, resumed.nextEvent(TIMEOUT).id());
        }
    }

    @Test
    void aTokenInTheUrlIsRefused() throws Exception {
        String token = token(SECRET, List.of("news.*"), 60);
        for (String query : List.of("api/events?topic=news.a&token=" + token, "api/events?topic=ticker&access_token=" + token,
                "api/topics?token=" + token)) {
            HttpResponse<String> answer = get(query);
            assertEquals(400, answer.statusCode(), query);
            assertTrue(answer.body().contains("URL"), answer.body());
        }
    }

    @Test
    void topicsListsPrivateTopicsOnlyToATokenThatCoversThem() throws Exception {
        String secret = "secret.listed-" + UUID.randomUUID();
        String token = token(SECRET, List.of(secret), 60);
        try (SseStream stream = SseStream.open(base(), "api/events?topic=" + secret, "Authorization: Bearer " + token)) {
            assertEquals(200, stream.status());
            assertEquals(1, subscribersListedTo(secret, token));
            assertFalse(listed(null).contains(secret), "listed without a token");
            assertFalse(listed(token(SECRET, List.of("secret.other"), 60)).contains(secret), "listed to another token");
            assertTrue(listed(null).contains("ticker"), "public topics are listed to all");
        }
    }

    @Test
    void aSessionPutsTheTokenInAnHttpOnlyStrictCookieForTheHubsOwnPages() throws Exception {
        String topic = "news.session-" + UUID.randomUUID();
        String token = token(SECRET, List.of("news.*"), 60);
        String origin = "http://" + base().getHost() + ":" + base().getPort();
        HttpResponse<String> session = session("POST", origin, "application/json", "{\"token\":\"" + token + "\"}");
        assertEquals(200, session.statusCode(), session.body());
        String cookie = session.headers().firstValue("Set-Cookie").orElseThrow();
        assertTrue(cookie.startsWith("sse_token=" + token + ";"), cookie);
        for (String attribute : List.of("HttpOnly", "SameSite=Strict", "Path=" + base().getPath() + "api")) {
            assertTrue(cookie.contains(attribute), attribute + " in " + cookie);
        }
        assertFalse(cookie.contains("Secure"), "plain HTTP: " + cookie);
        long maxAge = Long.parseLong(cookie.replaceAll(".*Max-Age=(\\d+).*", "$1"));
        assertTrue(maxAge > 50 && maxAge <= 60, cookie);
        assertEquals(List.of("news.*"), json(session.body()).getJsonArray("subscribe").getValuesAs(jakarta.json.JsonString.class)
                .stream().map(jakarta.json.JsonString::getString).toList());
        try (SseStream stream = SseStream.open(base(), "api/events?topic=" + topic, "Cookie: " + cookie.split(";")[0])) {
            assertEquals(200, stream.status());
        }
        assertEquals(200, session("POST", "http://allowed.example", "application/json", "{\"token\":\"" + token + "\"}")
                .statusCode(), "an origin of SSE_ALLOWED_ORIGINS");
        HttpResponse<String> cleared = session("DELETE", origin, null, null);
        assertEquals(204, cleared.statusCode(), cleared.body());
        assertTrue(cleared.headers().firstValue("Set-Cookie").orElseThrow().matches("sse_token=; .*Max-Age=0.*"),
                cleared.headers().toString());
    }

    @Test
    void aSessionRefusesForeignOriginsBadBodiesAndBadTokens() throws Exception {
        String token = token(SECRET, List.of("news.*"), 60);
        String origin = "http://" + base().getHost() + ":" + base().getPort();
        String body = "{\"token\":\"" + token + "\"}";
        assertProblem(403, session("POST", "http://evil.example", "application/json", body), "foreign origin");
        assertProblem(403, session("POST", null, "application/json", body), "no origin");
        assertProblem(403, session("DELETE", "http://evil.example", null, null), "foreign origin, DELETE");
        assertProblem(415, session("POST", origin, "text/plain", body), "not JSON");
        assertProblem(400, session("POST", origin, "application/json", "token=" + token), "not JSON");
        assertProblem(400, session("POST", origin, "application/json", "{\"jwt\":\"" + token + "\"}"), "no token field");
        assertProblem(400, session("POST", origin, "application/json", "{\"token\":\"a.b.c; Domain=evil\"}"), "not a JWT");
        assertProblem(401, session("POST", origin, "application/json", "{\"token\":\"" + token(OTHER_SECRET, List.of("news.*"), 60)
                + "\"}"), "another key");
        assertProblem(401, session("POST", origin, "application/json", "{\"token\":\"" + token(SECRET, List.of(), 60)
                + "\"}"), "no subscribe claim");
    }

    private enum By { HEADER, COOKIE }

    private SseStream open(String topic, String token, By by) throws IOException {
        if (token == null) {
            return SseStream.open(base(), "api/events?topic=" + topic);
        }
        return SseStream.open(base(), "api/events?topic=" + topic,
                by == By.HEADER ? "Authorization: Bearer " + token : "Cookie: sse_token=" + token);
    }

    private static void assertRefused(int status, SseStream stream, String why) throws IOException {
        try (stream) {
            assertEquals(status, stream.status(), why);
        }
    }

    private static void assertProblem(int status, HttpResponse<String> answer, String why) {
        assertEquals(status, answer.statusCode(), why + ": " + answer.body());
        assertTrue(answer.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"), why);
        assertTrue(answer.headers().firstValue("Set-Cookie").isEmpty(), why + ": no cookie");
    }

    public static String token(String secret, List<String> subscribe, long expiresInSeconds) throws JOSEException {
        return token(secret, subscribe, new Date(System.currentTimeMillis() + expiresInSeconds * 1000));
    }

    public static String token(String secret, List<String> subscribe, Date expires) throws JOSEException {
        var claims = new JWTClaimsSet.Builder().subject("reader").expirationTime(expires);
        if (!subscribe.isEmpty()) {
            claims.claim("subscribe", subscribe);
        }
        var jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims.build());
        jwt.sign(new MACSigner(secret));
        return jwt.serialize();
    }

    private static String unsigned(List<String> subscribe) {
        return new PlainJWT(new JWTClaimsSet.Builder().claim("subscribe", subscribe)
                .expirationTime(new Date(System.currentTimeMillis() + 60_000)).build()).serialize();
    }

    private URI base() {
        return URI.create(deployedAt.toString().endsWith("/") ? deployedAt.toString() : deployedAt + "/");
    }

    private HttpResponse<String> get(String path, String... headers) throws IOException, InterruptedException {
        var request = HttpRequest.newBuilder(base().resolve(path)).timeout(TIMEOUT);
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> session(String method, String origin, String type, String body)
            throws IOException, InterruptedException {
        var request = HttpRequest.newBuilder(base().resolve("api/session")).timeout(TIMEOUT)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (origin != null) {
            request.header("Origin", origin);
        }
        if (type != null) {
            request.header("Content-Type", type);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private String publish(String topic, String data) throws IOException, InterruptedException {
        HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(base().resolve("api/topics/" + topic + "/events"))
                .header("Authorization", "Bearer it-publish-token").header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString(data)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(201, answer.statusCode(), answer.body());
        return json(answer.body()).getString("id");
    }

    /** The topic names {@code GET /api/topics} lists to {@code token} (none: anonymous). */
    private List<String> listed(String token) throws IOException, InterruptedException {
        HttpResponse<String> answer = token == null ? get("api/topics?limit=1000")
                : get("api/topics?limit=1000", "Authorization", "Bearer " + token);
        assertEquals(200, answer.statusCode(), answer.body());
        List<String> names = new ArrayList<>();
        try (var reader = Json.createReader(new StringReader(answer.body()))) {
            reader.readArray().getValuesAs(JsonObject.class).forEach(topic -> names.add(topic.getString("topic")));
        }
        return names;
    }

    private int subscribersListedTo(String topic, String token) throws IOException, InterruptedException {
        HttpResponse<String> answer = get("api/topics?limit=1000", "Authorization", "Bearer " + token);
        try (var reader = Json.createReader(new StringReader(answer.body()))) {
            return reader.readArray().getValuesAs(JsonObject.class).stream().filter(t -> t.getString("topic").equals(topic))
                    .mapToInt(t -> t.getInt("subscribers")).findFirst().orElse(0);
        }
    }

    private double metric(String sample) throws IOException, InterruptedException {
        String body = get("api/metrics").body();
        return body.lines().filter(line -> line.startsWith(sample + " "))
                .mapToDouble(line -> Double.parseDouble(line.substring(sample.length() + 1).trim())).findFirst()
                .orElseThrow(() -> new AssertionError("no " + sample + " in\n" + body));
    }

    private static JsonObject json(String body) {
        try (var reader = Json.createReader(new StringReader(body))) {
            return reader.readObject();
        }
    }
}
