package org.ssehub.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.ssehub.DeployedWar;

/**
 * The page, served and in a real browser. The WAR is deployed with {@code SSE_PRIVATE_TOPICS=private.*} and a clock
 * skew of 1 s, so that the browser test can subscribe to a private topic and see its token expire.
 */
@ExtendWith(ArquillianExtension.class)
class PageIT {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @ArquillianResource
    private URL deployedAt;

    @Deployment(testable = false)
    static WebArchive war() throws IOException {
        return DeployedWar.war(Map.of("SSE_PRIVATE_TOPICS", "private.*", "SSE_JWT_CLOCK_SKEW_SECONDS", "1"));
    }

    @Test
    void pageAndItsFilesAreServedWithTheirTypesAndAPolicy() throws Exception {
        assertServed("", "text/html");
        assertServed("index.html", "text/html");
        assertServed("app.js", "text/javascript");
        assertServed("style.css", "text/css");
    }

    @Test
    void apiAnswersCarryTheSecurityHeadersToo() throws Exception {
        for (String path : new String[] {"api/topics", "api/metrics", "api/topics/x/events"}) {
            HttpResponse<String> response = get(path);
            assertEquals("nosniff", response.headers().firstValue("x-content-type-options").orElseThrow(), path);
            assertEquals("no-referrer", response.headers().firstValue("referrer-policy").orElseThrow(), path);
            assertEquals("same-origin", response.headers().firstValue("cross-origin-opener-policy").orElseThrow(), path);
        }
    }

    /**
     * Runs src/test/js/page-test.mjs: headless Chromium loads the page and checks what a user sees, in one tab, in
     * eight, and without Web Locks. With {@code -Dpage.screenshot=docs/page.png} it also takes the README's screenshot.
     */
    @Test
    void theBrowserShowsEventsAndReconnectsByItself() throws Exception {
        File basedir = new File(System.getProperty("project.basedir", "."));
        Path output = Files.createTempFile("page-test", ".log");
        ProcessBuilder test = new ProcessBuilder("node", "src/test/js/page-test.mjs", base().toString())
                .directory(basedir)
                .redirectErrorStream(true)
                .redirectOutput(output.toFile());
        test.environment().put("SSE_TEST_JWT_SECRET", "it-jwt-secret-of-at-least-32-bytes!");
        String screenshot = System.getProperty("page.screenshot", "");
        if (!screenshot.isEmpty()) {
            test.environment().put("PAGE_SCREENSHOT", new File(basedir, screenshot).getAbsolutePath());
        }
        Process browser = test.start();
        boolean finished = browser.waitFor(240, TimeUnit.SECONDS);
        if (!finished) {
            browser.destroyForcibly().waitFor();
        }
        String log = Files.readString(output);
        Files.delete(output);
        System.out.println(log);
        assertTrue(finished, "the browser test did not finish in 240 s:\n" + log);
        assertEquals(0, browser.exitValue(), "the browser test failed:\n" + log);
    }

    private void assertServed(String path, String type) throws Exception {
        HttpResponse<String> response = get(path);
        assertEquals(200, response.statusCode(), path);
        String contentType = response.headers().firstValue("content-type").orElseThrow();
        assertTrue(contentType.startsWith(type), path + " served as " + contentType);
        assertTrue(response.headers().firstValue("content-security-policy").orElseThrow().contains("default-src 'self'"));
        assertEquals("nosniff", response.headers().firstValue("x-content-type-options").orElseThrow());
        assertEquals("no-referrer", response.headers().firstValue("referrer-policy").orElseThrow());
        assertEquals("same-origin", response.headers().firstValue("cross-origin-opener-policy").orElseThrow());
    }

    private URI base() {
        return URI.create(deployedAt.toString().endsWith("/") ? deployedAt.toString() : deployedAt + "/");
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(base().resolve(path)).timeout(DeployedWar.TIMEOUT).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
