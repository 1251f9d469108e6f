package org.ssehub.bench;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** CPU time, RSS and live heap of the server process, from /proc and jcmd. */
final class ServerProbe {
    private static final Pattern GENERATION = Pattern.compile("total \\d+[KMG]?, used (\\d+)([KMG]?)");
    private static final Pattern ZGC = Pattern.compile("ZHeap\\s+used (\\d+)([KMG]?)");
    private static final Pattern SHENANDOAH = Pattern.compile("committed, (\\d+)([KMG]?) used");

    final long pid;
    final long clockTicks;
    private final String jcmd;

    ServerProbe(long pid) {
        this.pid = pid;
        this.clockTicks = clockTicks();
        this.jcmd = jcmd();
    }

    /** utime + stime of the process, in clock ticks. */
    long cpuTicks() {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("cannot read CPU time of process " + pid + ": " + e, e);
        }
    }

    double cpuSeconds(long ticks) {
        return ticks / (double) clockTicks;
    }

    long rssBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read /proc/" + pid + "/status: " + e, e);
        }
        throw new IllegalStateException("no VmRSS in /proc/" + pid + "/status");
    }

    /** Loads async-profiler's {@code library} into the server and starts sampling its CPU. */
    void startProfile(String library) {
        profiler(library, "start,event=cpu,interval=1ms");
    }

    /** Stops the profile and writes OUT.html (flame graph), OUT.txt (top frames) and OUT.collapsed (stacks). */
    void stopProfile(String library, String out) {
        String file = Path.of(out).toAbsolutePath().toString();
        profiler(library, "stop,file=" + file + ".html");
        profiler(library, "dump,flat=40,traces=10,file=" + file + ".txt");
        profiler(library, "dump,collapsed,file=" + file + ".collapsed");
    }

    /** jcmd splits an unquoted option at '=', and answers 0 even when the agent fails: it prints the agent's code. */
    private void profiler(String library, String options) {
        String answer = run("JVMTI.agent_load " + library + " \"" + options + "\"");
        if (!answer.contains("return code: 0")) {
            throw new IllegalStateException("async-profiler " + options + ": " + answer);
        }
    }

    /** Runs a full GC in the server, then answers its used heap in bytes. */
    long heapUsedAfterGc() {
        run("GC.run");
        return parseHeapUsed(run("GC.heap_info"));
    }

    static long parseHeapUsed(String text) {
        long sum = 0;
        boolean found = false;
        for (String line : text.split("\\R")) {
            String t = line.strip();
            if (t.startsWith("Metaspace") || t.startsWith("class space")) {
                continue;
            }
            Matcher m = GENERATION.matcher(t);
            if (line.startsWith(" ") && !line.startsWith("  ") && m.find()) {
                sum += bytes(m.group(1), m.group(2));
                found = true;
                continue;
            }
            for (Pattern p : new Pattern[] {ZGC, SHENANDOAH}) {
                m = p.matcher(t);
                if (m.find()) {
                    sum += bytes(m.group(1), m.group(2));
                    found = true;
                }
            }
        }
        if (!found) {
            throw new IllegalStateException("cannot parse GC.heap_info output:\n" + text);
        }
        return sum;
    }

    private static long bytes(String number, String unit) {
        long n = Long.parseLong(number);
        return switch (unit) {
            case "K" -> n << 10;
            case "M" -> n << 20;
            case "G" -> n << 30;
            default -> n;
        };
    }

    String run(String command) {
        try {
            Process p = new ProcessBuilder(jcmd, Long.toString(pid), command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("jcmd " + pid + " " + command + " failed:\n" + out);
            }
            return out;
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + jcmd + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String jcmd() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            File f = new File(dir, "jcmd");
            if (!dir.isEmpty() && f.canExecute()) {
                return f.getPath();
            }
        }
        String home = System.getenv("JAVA_HOME");
        if (home != null && new File(home, "bin/jcmd").canExecute()) {
            return new File(home, "bin/jcmd").getPath();
        }
        return new File(System.getProperty("java.home"), "bin/jcmd").getPath();
    }

    private static long clockTicks() {
        try {
            Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
            if (p.waitFor(5, TimeUnit.SECONDS) && p.exitValue() == 0) {
                return Long.parseLong(out);
            }
        } catch (IOException | RuntimeException e) {
            // fall through to the Linux default
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 100;
    }
}
