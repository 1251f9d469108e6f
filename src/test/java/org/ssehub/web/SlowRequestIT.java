package org.ssehub.web;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.ssehub.DeployedWar;

/**
 * Slow-request protection of the shipped server-config/: a client that sends part of a request head and then nothing
 * is cut off by the container (Tomcat after connectionTimeout, 5 s; Undertow after request-parse-timeout, 10 s; Payara
 * after Grizzly's default idle timeout, about 30 s), and a request head larger than the container takes is refused. Streams, past their
 * request head, are not cut by these: QuietStreamIT keeps one open for six heartbeats.
 */
class SlowRequestIT extends DeployedWar {

    private static final Duration CUT_WITHIN = Duration.ofSeconds(45);

    @Test
    void aRequestHeadLeftUnfinishedIsCutOff() throws Exception {
        try (Socket socket = new Socket(base().getHost(), base().getPort())) {
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + base().getPath() + "api/topics HTTP/1.1\r\nHost: localhost\r\nX-Slow: a").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            socket.setSoTimeout((int) CUT_WITHIN.toMillis());
            long start = System.nanoTime();
            String answer;
            try {
                answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            } catch (SocketTimeoutException stillOpen) {
                throw new AssertionError("the connection was still open after " + CUT_WITHIN.toSeconds() + " s", stillOpen);
            } catch (SocketException reset) {
                answer = "";
            }
            System.out.printf("an unfinished request head was cut after %.1f s: %s%n", (System.nanoTime() - start) / 1e9,
                    answer.isEmpty() ? "closed" : answer.lines().findFirst().orElseThrow());
            assertTrue(answer.isEmpty() || answer.startsWith("HTTP/1.1 408") || answer.startsWith("HTTP/1.1 400"), answer);
        }
    }

    @Test
    void aRequestHeadOver16KiBIsRefused() throws Exception {
        try (Socket socket = new Socket(base().getHost(), base().getPort())) {
            OutputStream out = socket.getOutputStream();
            socket.setSoTimeout((int) TIMEOUT.toMillis());
            String answer;
            try {
                out.write(("GET " + base().getPath() + "api/topics HTTP/1.1\r\nHost: localhost\r\nX-Big: " + "a".repeat(32 * 1024)
                        + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            } catch (SocketException reset) {
                answer = "";
            }
            String status = answer.lines().findFirst().orElse("closed");
            assertFalse(status.startsWith("HTTP/1.1 2") || status.startsWith("HTTP/1.1 5"), status);
        }
    }
}
