package org.ssehub;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * nginx from Debian's package, run from a scratch prefix with the shipped {@code server-config/nginx/sse-hub.conf}
 * pointed at the server under test.
 */
public record Nginx(Path prefix, URI in) implements AutoCloseable {

    /** With each key of {@code changes} in the shipped file replaced by its value. */
    public static Nginx start(int appPort, Map<String, String> changes) throws IOException, InterruptedException {
        return start(conf -> conf.replace("server 127.0.0.1:8080;", "server 127.0.0.1:" + appPort + ";"), changes);
    }

    /** In front of the nodes on {@code appPorts}, with the upstream block of the shipped two-node example. */
    public static Nginx startCluster(int... appPorts) throws IOException, InterruptedException {
        String cluster = Files.readString(Path.of(System.getProperty("project.basedir"), "server-config/nginx/sse-hub-cluster.conf"));
        String upstream = cluster.substring(cluster.indexOf("upstream sse_hub {"), cluster.indexOf('}') + 1);
        var servers = Pattern.compile("server 127\\.0\\.0\\.1:\\d+").matcher(upstream);
        StringBuilder nodes = new StringBuilder();
        for (int port : appPorts) {
            if (!servers.find()) {
                throw new IllegalStateException("the shipped two-node example has fewer servers than " + appPorts.length);
            }
            servers.appendReplacement(nodes, "server 127.0.0.1:" + port);
        }
        servers.appendTail(nodes);
        return start(conf -> conf.substring(0, conf.indexOf("upstream sse_hub {")) + nodes
                + conf.substring(conf.indexOf('}', conf.indexOf("upstream sse_hub {")) + 1), Map.of());
    }

    private static Nginx start(UnaryOperator<String> upstream, Map<String, String> changes) throws IOException, InterruptedException {
        Path prefix = Files.createTempDirectory("nginx-it");
        Files.createDirectories(prefix.resolve("logs"));
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Path shipped = Path.of(System.getProperty("project.basedir"), "server-config/nginx/sse-hub.conf");
        String conf = upstream.apply(Files.readString(shipped))
                .replace("listen 127.0.0.1:8081;", "listen 127.0.0.1:" + port + ";");
        for (var change : changes.entrySet()) {
            if (!conf.contains(change.getKey())) {
                throw new IllegalStateException("the shipped nginx config has no " + change.getKey());
            }
            conf = conf.replace(change.getKey(), change.getValue());
        }
        Files.writeString(prefix.resolve("sse-hub.conf"), conf);
        Files.writeString(prefix.resolve("nginx.conf"), """
                worker_processes 1;
                error_log logs/error.log;
                pid logs/nginx.pid;
                events { worker_connections 1024; }
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
