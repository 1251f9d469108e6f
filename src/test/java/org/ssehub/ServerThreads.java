package org.ssehub;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Thread dumps of the server under test, taken with {@code jcmd}; the process is found by {@code -Dit.server.marker}.
 * The Payara Micro adapter runs one JVM per deployment ({@code -Dit.jvm.per.deployment}), so there an undeploy
 * ends the process: no dump, nothing left.
 */
public final class ServerThreads {

    private ServerThreads() {
    }

    /** Takes dumps until one satisfies {@code condition}; fails with the last dump after {@code timeout}. */
    public static void awaitDump(Predicate<String> condition, Duration timeout, String what)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Optional<String> dump = dump();
        while (dump.isPresent() && !condition.test(dump.get())) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + " within " + timeout + "; last thread dump:\n" + dump.get());
            }
            dump = dump();
        }
    }

    /** The dump, or empty if the server process has exited. */
    public static Optional<String> dump() throws IOException, InterruptedException {
        return jcmd("Thread.print");
    }

    /** What {@code jcmd} answers to {@code command} in the server's JVM, or empty if it has exited. */
    public static Optional<String> jcmd(String command) throws IOException, InterruptedException {
        String marker = System.getProperty("it.server.marker");
        List<ProcessHandle> servers = ProcessHandle.allProcesses()
                .filter(p -> p.info().command().map(c -> c.endsWith("/java")).orElse(false))
                .filter(p -> p.info().commandLine().map(c -> c.contains(marker)).orElse(false))
                .toList();
        if (servers.isEmpty() && !Boolean.getBoolean("it.jvm.per.deployment")) {
            throw new AssertionError("no java process with " + marker);
        }
        if (servers.isEmpty()) {
            return Optional.empty();
        }
        if (servers.size() != 1) {
            throw new AssertionError("expected one java process with " + marker + ", found "
                    + servers.stream().map(p -> p.pid() + " " + p.info().commandLine().orElse("?")).toList());
        }
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Process process = new ProcessBuilder(jcmd.toString(), Long.toString(servers.get(0).pid()), command)
                .redirectErrorStream(true)
                .start();
        String dump = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
            if (!servers.get(0).isAlive()) {
                return Optional.empty();
            }
            throw new AssertionError("jcmd " + command + " failed for " + servers.get(0).info().commandLine().orElse("?")
                    + ":\n" + dump);
        }
        return Optional.of(dump);
    }
}
