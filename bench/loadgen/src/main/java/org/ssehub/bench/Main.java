package org.ssehub.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;

/** {@code java -jar loadgen.jar [run] --workload NAME ...}, {@code ... report ...} or {@code ... median ...}. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        int code;
        try {
            code = run(args);
        } catch (IllegalArgumentException e) {
            System.err.println("loadgen: " + e.getMessage());
            code = 2;
        } catch (Exception e) {
            e.printStackTrace();
            code = 1;
        }
        System.exit(code);
    }

    static int run(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("report")) {
            Report.run(Arrays.copyOfRange(args, 1, args.length));
            return 0;
        }
        if (args.length > 0 && args[0].equals("median")) {
            Median.run(Arrays.copyOfRange(args, 1, args.length));
            return 0;
        }
        if (args.length > 0 && args[0].equals("run")) {
            args = Arrays.copyOfRange(args, 1, args.length);
        }
        if (Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h")) {
            System.out.print(Options.USAGE);
            return 0;
        }
        Options o = Options.parse(args);
        Map<String, Object> result = new Bench(o).run();
        if (o.out != null) {
            Path out = Path.of(o.out);
            if (out.toAbsolutePath().getParent() != null) {
                Files.createDirectories(out.toAbsolutePath().getParent());
            }
            Files.writeString(out, Report.json(result));
        }
        System.out.print(summary(result));
        return 0;
    }

    static String summary(Map<String, Object> r) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "%s  %s/%s  %s%n", r.get("workload"), r.get("runtime"), r.get("label"), r.get("timestamp")));
        if (r.get("steps") instanceof java.util.List<?> steps) {
            for (Object s : steps) {
                b.append("  step ").append(step((Map<?, ?>) s)).append('\n');
            }
            b.append("  last passing: ").append(r.get("lastPassing") instanceof Map<?, ?> m ? step(m) : "none").append('\n');
        } else if (r.containsKey("deliveredPercent")) {
            b.append("  ").append(step(r)).append('\n');
            b.append(String.format(Locale.ROOT, "  delivered %s of %s expected, %s events/s, lost %s; latency ms %s; last subscriber ms %s%n",
                    r.get("delivered"), r.get("expected"), r.get("deliveredPerSecond"), r.get("lost"),
                    r.get("latencyMs"), r.get("lastSubscriberMs")));
        }
        line(b, r, "serverCpuPercent", "server CPU % of a core");
        line(b, r, "cpuMicrosPerEvent", "server µs per delivered event");
        line(b, r, "heapBytesPerSubscriber", "heap bytes per subscriber");
        line(b, r, "rssBytesPerSubscriber", "RSS bytes per subscriber");
        line(b, r, "subscribersConnected", "subscribers connected");
        line(b, r, "rampSeconds", "connect ramp seconds");
        line(b, r, "connectFailures", "connect failures");
        line(b, r, "disconnects", "disconnects by the server");
        line(b, r, "publishFailures", "publish failures");
        line(b, r, "stalled", "stalled");
        line(b, r, "churn", "churn");
        return b.toString();
    }

    private static String step(Map<?, ?> s) {
        Object p99 = s.get("latencyMs") instanceof Map<?, ?> l ? l.get("p99") : null;
        return String.format(Locale.ROOT, "%s subscribers (%s healthy) × %s/s × %s B: delivered %s %%, p99 %s ms%s",
                s.get("subscribers"), s.get("healthySubscribers"), s.get("rate"), s.get("size"),
                s.get("deliveredPercent"), p99, s.containsKey("pass") ? (Boolean.TRUE.equals(s.get("pass")) ? " pass" : " FAIL") : "");
    }

    private static void line(StringBuilder b, Map<String, Object> r, String key, String what) {
        Object v = r.get(key);
        if (v != null && !(v instanceof Map<?, ?> m && m.isEmpty())) {
            b.append("  ").append(what).append(": ").append(v).append('\n');
        }
    }
}
