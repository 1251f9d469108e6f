package org.ssehub.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.ssehub.DeployedWar;
import org.ssehub.SseStream;

/** The shipped server-config/nginx/sse-hub.conf in front of the app: events pass at once, unbuffered and uncompressed. */
class NginxIT extends DeployedWar {

    @Test
    void eventsPassThroughTheShippedNginxConfigAtOnce() throws Exception {
        try (Nginx nginx = Nginx.start(base().getPort());
                SseStream stream = SseStream.open(nginx.in.resolve(base().getPath()), "api/events", "Accept-Encoding: gzip")) {
            assertEquals(200, stream.status());
            assertNull(stream.header("content-encoding"));
            assertTrue(stream.header("cache-control").contains("no-cache"));
            assertEquals(1, stream.next(TIMEOUT).comments().size(), "the opening comment is not held back");
            long previous = 0;
            for (int i = 0; i < 3; i++) {
                long id = Long.parseLong(stream.nextEvent(TIMEOUT).id());
                assertTrue(id > previous);
                previous = id;
            }
        }
    }

    /** nginx from Debian's package, run from a scratch prefix with the shipped server block pointed at the test server. */
    private record Nginx(Path prefix, URI in) implements AutoCloseable {

        static Nginx start(int appPort) throws IOException, InterruptedException {
            Path prefix = Files.createTempDirectory("nginx-it");
            Files.createDirectories(prefix.resolve("logs"));
            int port;
            try (ServerSocket free = new ServerSocket(0)) {
                port = free.getLocalPort();
            }
            Path shipped = Path.of(System.getProperty("project.basedir"), "server-config/nginx/sse-hub.conf");
            Files.writeString(prefix.resolve("sse-hub.conf"), Files.readString(shipped)
                    .replace("server 127.0.0.1:8080;", "server 127.0.0.1:" + appPort + ";")
                    .replace("listen 127.0.0.1:8081;", "listen 127.0.0.1:" + port + ";"));
            Files.writeString(prefix.resolve("nginx.conf"), """
                    worker_processes 1;
                    error_log logs/error.log;
                    pid logs/nginx.pid;
                    events { worker_connections 64; }
                    http {
                        access_log off;
                        include sse-hub.conf;
                    }
                    """);
            var nginx = new Nginx(prefix, URI.create("http://127.0.0.1:" + port + "/"));
            nginx.run();
            return nginx;
        }

        /** The master process forks after binding, so the listener is ready once this returns. */
        private void run(String... signal) throws IOException, InterruptedException {
            var command = new ArrayList<>(List.of("nginx", "-p", prefix + "/", "-c", "nginx.conf"));
            command.addAll(List.of(signal));
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes());
            if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("nginx " + String.join(" ", signal) + " failed (apt-get install nginx): " + output);
            }
        }

        @Override
        public void close() throws IOException {
            try {
                run("-s", "stop");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
