package org.ssehub;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Base of the integration tests: deploys the WAR that the build really made for the runtime under test
 * ({@code -Dsse-hub.war}) and talks to it over HTTP as a client would.
 */
@ExtendWith(ArquillianExtension.class)
public abstract class DeployedWar {

    public static final Duration TIMEOUT = Duration.ofSeconds(10);

    /** HTTP/1.1, as browsers and curl speak to a plain-text port; H2cPublishIT covers Java's default h2c upgrade. */
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(TIMEOUT)
            .build();

    @ArquillianResource
    private URL deployedAt;

    @Deployment(testable = false)
    public static WebArchive war() {
        return ShrinkWrap.createFromZipFile(WebArchive.class, new File(System.getProperty("sse-hub.war")));
    }

    /** The WAR with {@code parameters} added to its web.xml as context parameters: settings for that deployment alone. */
    public static WebArchive war(Map<String, String> parameters) throws IOException {
        WebArchive war = war();
        String webXml;
        try (InputStream in = war.get("WEB-INF/web.xml").getAsset().openStream()) {
            webXml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        StringBuilder params = new StringBuilder();
        parameters.forEach((name, value) -> params.append("    <context-param>\n        <param-name>").append(name)
                .append("</param-name>\n        <param-value>").append(value).append("</param-value>\n    </context-param>\n"));
        war.delete("WEB-INF/web.xml");
        return war.setWebXML(new StringAsset(webXml.replace("</web-app>", params + "</web-app>")));
    }

    /** A {@code retry:} between one and two times the default {@code SSE_RETRY_MILLIS}. */
    public static void assertJitteredRetry(String retry) {
        long millis = Long.parseLong(retry);
        if (millis < 3000 || millis > 6000) {
            throw new AssertionError("retry: " + retry + " is not between 3000 and 6000");
        }
    }

    /** The context root, ending with {@code /}. */
    protected URI base() {
        try {
            String url = deployedAt.toString();
            return new URI(url.endsWith("/") ? url : url + "/");
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    protected HttpResponse<String> get(String path, String... headers) throws IOException, InterruptedException {
        var request = HttpRequest.newBuilder(base().resolve(path)).timeout(TIMEOUT);
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A sample from {@code GET /api/metrics}, such as {@code sse_hub_disconnects_total{reason="write_timeout"}}. */
    protected double metric(String sample) throws IOException, InterruptedException {
        HttpResponse<String> metrics = get("api/metrics");
        if (metrics.statusCode() != 200) {
            throw new AssertionError("GET api/metrics: " + metrics.statusCode() + " " + metrics.body());
        }
        return metrics.body().lines()
                .filter(line -> line.startsWith(sample + " "))
                .map(line -> Double.parseDouble(line.substring(sample.length() + 1).trim()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + sample + " in\n" + metrics.body()));
    }

    /** The subscriber count {@code GET /api/topics} gives for {@code topic}; 0 if it is not listed. */
    protected int subscribers(String topic) throws IOException, InterruptedException {
        return topic(topic).map(t -> t.getInt("subscribers")).orElse(0);
    }

    /** What {@code GET /api/topics} lists for {@code topic}, following its pages. */
    protected Optional<JsonObject> topic(String topic) throws IOException, InterruptedException {
        String page = "api/topics?limit=1000";
        while (page != null) {
            HttpResponse<String> topics = get(page);
            if (topics.statusCode() != 200) {
                throw new AssertionError("GET " + page + ": " + topics.statusCode() + " " + topics.body());
            }
            try (var reader = Json.createReader(new StringReader(topics.body()))) {
                Optional<JsonObject> found = reader.readArray().getValuesAs(JsonObject.class).stream()
                        .filter(t -> t.getString("topic").equals(topic))
                        .findFirst();
                if (found.isPresent()) {
                    return found;
                }
            }
            page = topics.headers().firstValue("link")
                    .map(link -> link.substring(link.indexOf('<') + 1, link.indexOf('>')))
                    .map(next -> base().relativize(URI.create(next)).toString())
                    .orElse(null);
        }
        return Optional.empty();
    }

    /**
     * Checks {@code condition} after each event of {@code ticker} (a stream of the ticker topic) until it holds;
     * fails with {@code what} after {@code timeout}.
     */
    protected static void await(String what, Duration timeout, SseStream ticker, Check condition) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.holds()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + " within " + timeout);
            }
            ticker.nextEvent(TIMEOUT);
        }
    }

    @FunctionalInterface
    protected interface Check {
        boolean holds() throws Exception;
    }

    /** A text/plain publish of {@code body} to {@code topic} with the test servers' token, ready to send. */
    protected HttpRequest.Builder textPublish(String topic, String body) {
        return HttpRequest.newBuilder(base().resolve("api/topics/" + topic + "/events"))
                .header("Authorization", "Bearer it-publish-token")
                .header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString(body));
    }

    protected HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return HTTP.send(request.timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
    }

    protected SseStream stream(String pathAndQuery, String... headerLines) throws IOException {
        return SseStream.open(base(), pathAndQuery, headerLines);
    }
}
