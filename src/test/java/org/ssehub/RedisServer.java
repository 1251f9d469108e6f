package org.ssehub;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's {@code redis-server} on a loopback port of its own, without persistence, in a scratch folder: started,
 * frozen ({@code SIGSTOP}), thawed, restarted empty, stopped.
 */
public final class RedisServer implements AutoCloseable {

    private final int port;
    private final Path dir;
    private final String password;
    private Process process;

    private RedisServer(int port, Path dir, String password) {
        this.port = port;
        this.dir = dir;
        this.password = password;
    }

    public static RedisServer start() throws IOException {
        return start(null);
    }

    /** One that asks clients for {@code password} (null: none). */
    public static RedisServer start(String password) throws IOException {
        int port;
        try (var probe = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        var redis = new RedisServer(port, Files.createTempDirectory("redis-it"), password);
        redis.run();
        return redis;
    }

    /** Its URL, with the password if it has one. */
    public String url() {
        return "redis://" + (password == null ? "" : ":" + password + "@") + "127.0.0.1:" + port;
    }

    /** Starts it again, empty: as a restart without persistence. */
    public void restartEmpty() throws IOException {
        stop();
        run();
    }

    /** Stops answering without closing a connection, as a hung server does. */
    public void freeze() throws IOException {
        signal("-STOP");
    }

    public void thaw() throws IOException {
        signal("-CONT");
    }

    private void run() throws IOException {
        try {
            var command = new ArrayList<>(List.of("redis-server", "--port", Integer.toString(port), "--bind",
                    "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir.toString(), "--protected-mode", "yes"));
            if (password != null) {
                command.addAll(List.of("--requirepass", password));
            }
            process = new ProcessBuilder(command)
                    .redirectErrorStream(true).redirectOutput(dir.resolve("redis.log").toFile()).start();
        } catch (IOException e) {
            throw new IOException("cannot start redis-server (apt-get install redis-server): " + e.getMessage(), e);
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            try (var socket = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException notYet) {
                if (!process.isAlive()) {
                    throw new IOException("redis-server exited: " + Files.readString(dir.resolve("redis.log")));
                }
                Thread.onSpinWait();
            }
        }
        throw new IOException("redis-server did not listen on " + port + " within 10 s");
    }

    private void signal(String signal) throws IOException {
        try {
            Process kill = new ProcessBuilder("kill", signal, Long.toString(process.pid())).start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IOException("kill " + signal + " failed");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    private void stop() {
        if (process != null) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void close() throws IOException {
        if (process != null && process.isAlive()) {
            thaw();
        }
        stop();
    }
}
