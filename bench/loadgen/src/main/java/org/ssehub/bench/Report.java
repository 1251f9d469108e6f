package org.ssehub.bench;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Turns a directory of run results into a Markdown report and a chart. */
final class Report {
    static final String MARKER = "<!-- generated below -->";
    static final List<String> WORKLOADS = List.of("idle", "headline", "fast", "large", "churn",
            "steady", "stalled1", "stalled10", "capacity", "ramp", "topics");
    static final List<String> LABELS = List.of("hub", "cluster", "async", "naive", "before");
    private static final String INTRO = """
            # sse-hub benchmark results

            Measured with `bench/loadgen` (one selector thread holding every subscription, a paced
            publisher). Latency is end to end, publish to receipt, on one machine over loopback.
            Edit this paragraph freely: the tables below the marker are regenerated.
            """;

    private static final ObjectMapper JSON = JsonMapper.builder()
            .addModule(new SimpleModule().addSerializer(Double.class, new WholeAsInteger()))
            .defaultPrettyPrinter(new DefaultPrettyPrinter(Separators.createDefaultInstance()
                    .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                    .withObjectEmptySeparator("").withArrayEmptySeparator(""))
                    .withArrayIndenter(DefaultIndenter.SYSTEM_LINEFEED_INSTANCE))
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private Report() {
    }

    static String json(Object value) throws JsonProcessingException {
        return JSON.writeValueAsString(value) + "\n";
    }

    /** Maps, lists, strings, booleans and nulls, with every number a Double. */
    static Object parse(String text) {
        try {
            return plain(JSON.readTree(text));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e.getOriginalMessage() + " at " + e.getLocation().offsetDescription(), e);
        }
    }

    private static Object plain(JsonNode n) {
        if (n.isObject()) {
            Map<String, Object> m = new LinkedHashMap<>();
            n.properties().forEach(e -> m.put(e.getKey(), plain(e.getValue())));
            return m;
        }
        if (n.isArray()) {
            List<Object> list = new ArrayList<>();
            n.forEach(v -> list.add(plain(v)));
            return list;
        }
        if (n.isMissingNode()) {
            throw new IllegalArgumentException("no JSON value");
        }
        return n.isNumber() ? n.doubleValue() : n.isBoolean() ? n.booleanValue() : n.textValue();
    }

    /** Whole numbers as integers (5000, not 5000.0), NaN and infinities as null. */
    private static final class WholeAsInteger extends StdSerializer<Double> {
        WholeAsInteger() {
            super(Double.class);
        }

        @Override
        public void serialize(Double d, JsonGenerator g, SerializerProvider p) throws IOException {
            if (d.isNaN() || d.isInfinite()) {
                g.writeNull();
            } else if (d == Math.rint(d) && Math.abs(d) < 1e15) {
                g.writeNumber(d.longValue());
            } else {
                g.writeNumber(d);
            }
        }
    }

    static void run(String[] args) throws IOException {
        Map<String, String> f = new TreeMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument " + args[i]);
            }
            f.put(args[i].substring(2), args[i + 1]);
        }
        if (args.length % 2 != 0 || !f.containsKey("results") || !f.containsKey("out")) {
            throw new IllegalArgumentException("usage: report --results DIR --out RESULTS.md [--chart results.png]");
        }
        Path md = Path.of(f.get("out"));
        Path chart = f.containsKey("chart") ? Path.of(f.get("chart")) : null;
        List<Map<String, Object>> runs = latest(load(Path.of(f.get("results"))));
        if (chart != null) {
            Chart.draw(runs, chart);
        }
        String image = chart == null ? null : relative(md, chart);
        String intro = Files.exists(md) ? keep(Files.readString(md)) : INTRO;
        Files.writeString(md, intro + MARKER + "\n" + markdown(runs, image));
        System.out.println("wrote " + md + (chart == null ? "" : " and " + chart) + " from " + runs.size() + " runs");
    }

    private static String keep(String existing) {
        int at = existing.indexOf(MARKER);
        if (at >= 0) {
            return existing.substring(0, at);
        }
        return existing.endsWith("\n") ? existing + "\n" : existing + "\n\n";
    }

    private static String relative(Path md, Path chart) {
        Path dir = md.toAbsolutePath().getParent();
        return dir.relativize(chart.toAbsolutePath()).toString().replace('\\', '/');
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> load(Path dir) throws IOException {
        List<Map<String, Object>> runs = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
                try {
                    if (parse(Files.readString(p)) instanceof Map<?, ?> m && m.get("workload") != null) {
                        runs.add((Map<String, Object>) m);
                    }
                } catch (IllegalArgumentException e) {
                    System.err.println("skipping " + p + ": " + e.getMessage());
                }
            }
        }
        return runs;
    }

    /** The newest run of each workload, runtime and label, in report order. */
    static List<Map<String, Object>> latest(List<Map<String, Object>> runs) {
        Map<String, Map<String, Object>> newest = new LinkedHashMap<>();
        for (Map<String, Object> r : runs) {
            String key = r.get("workload") + "\u0000" + r.get("runtime") + "\u0000" + r.get("label");
            Map<String, Object> old = newest.get(key);
            if (old == null || str(r.get("timestamp")).compareTo(str(old.get("timestamp"))) >= 0) {
                newest.put(key, r);
            }
        }
        List<Map<String, Object>> list = new ArrayList<>(newest.values());
        list.sort(Comparator.<Map<String, Object>>comparingInt(r -> order(WORKLOADS, str(r.get("workload"))))
                .thenComparing(r -> str(r.get("workload")))
                .thenComparing(r -> str(r.get("runtime")))
                .thenComparingInt(r -> order(LABELS, str(r.get("label"))))
                .thenComparing(r -> str(r.get("label"))));
        return list;
    }

    static String markdown(List<Map<String, Object>> runs, String image) {
        StringBuilder b = new StringBuilder("\n");
        if (image != null) {
            b.append("![p99 latency and server CPU per delivered event against subscribers](").append(image).append(")\n\n");
        }
        Map<String, List<Map<String, Object>>> byWorkload = new LinkedHashMap<>();
        for (Map<String, Object> r : runs) {
            byWorkload.computeIfAbsent(str(r.get("workload")), k -> new ArrayList<>()).add(r);
        }
        byWorkload.forEach((workload, list) -> {
            b.append("## ").append(workload).append("\n\n").append(describe(list.get(0))).append("\n\n");
            if (workload.equals("idle")) {
                idle(b, list);
            } else if (workload.equals("ramp")) {
                ramp(b, list);
            } else {
                broadcast(b, list);
            }
            ratios(b, workload, list);
        });
        return b.toString();
    }

    private static String describe(Map<String, Object> r) {
        Map<?, ?> p = r.get("parameters") instanceof Map<?, ?> m ? m : Map.of();
        if ("idle".equals(r.get("workload"))) {
            return fmt(p.get("subscribers"), 0) + " idle subscribers, no publishing.";
        }
        String s = fmt(p.get("subscribers"), 0) + " subscribers"
                + (num(p.get("topics")) == null ? "" : " over " + fmt(p.get("topics"), 0) + " topics") + " × "
                + fmt(p.get("rate"), 0) + " events/s × "
                + fmt(p.get("size"), 0) + " B, " + fmt(p.get("seconds"), 0) + " s measured after "
                + fmt(p.get("warmupSeconds"), 0) + " s warm-up";
        if (num(p.get("stalled")) != null && num(p.get("stalled")) > 0) {
            s += ", " + fmt(p.get("stalled"), 0) + " of them stalled readers";
        }
        if (num(p.get("churn")) != null && num(p.get("churn")) > 0) {
            s += ", " + fmt(p.get("churn"), 0) + " extra connects and disconnects per second";
        }
        if (p.get("url") instanceof List<?> nodes) {
            s += "; label `cluster`: " + nodes.size() + " nodes on one Redis, subscribers and publications taking turns over them";
        }
        if ("ramp".equals(r.get("workload"))) {
            s += "; doubling subscribers, then the rate, until delivered < 99 % or p99 > 1 s";
        }
        return s + ".";
    }

    private static void idle(StringBuilder b, List<Map<String, Object>> list) {
        b.append("| runtime | label | subscribers | ramp s | heap B/subscriber | RSS B/subscriber | connect failures |\n");
        b.append("|---|---|---:|---:|---:|---:|---|\n");
        for (Map<String, Object> r : list) {
            row(b, r.get("runtime"), r.get("label"), fmt(r.get("subscribersConnected"), 0), fmt(r.get("rampSeconds"), 2),
                    fmt(r.get("heapBytesPerSubscriber"), 0), fmt(r.get("rssBytesPerSubscriber"), 0), failures(r.get("connectFailures")));
        }
        b.append('\n');
    }

    private static void broadcast(StringBuilder b, List<Map<String, Object>> list) {
        b.append("| runtime | label | subscribers | delivered % | events/s | p50 ms | p99 ms | p99.9 ms | max ms "
                + "| last-subscriber p99 ms | server CPU % | µs/event | ramp s | notes |\n");
        b.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
        for (Map<String, Object> r : list) {
            Map<?, ?> l = map(r.get("latencyMs")), last = map(r.get("lastSubscriberMs"));
            row(b, r.get("runtime"), r.get("label"), fmt(r.get("healthySubscribers"), 0), fmt(r.get("deliveredPercent"), 2),
                    fmt(r.get("deliveredPerSecond"), 0), fmt(l.get("p50"), 2), fmt(l.get("p99"), 2), fmt(l.get("p999"), 2),
                    fmt(l.get("max"), 2), fmt(last.get("p99"), 2), fmt(r.get("serverCpuPercent"), 1),
                    fmt(r.get("cpuMicrosPerEvent"), 2), fmt(r.get("rampSeconds"), 2), notes(r));
        }
        b.append('\n');
    }

    private static void ramp(StringBuilder b, List<Map<String, Object>> list) {
        b.append("| runtime | label | subscribers | rate | delivered % | p99 ms | last-subscriber p99 ms | server CPU % | µs/event | pass |\n");
        b.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---|\n");
        for (Map<String, Object> r : list) {
            for (Object o : r.get("steps") instanceof List<?> steps ? steps : List.of()) {
                Map<?, ?> s = map(o);
                row(b, r.get("runtime"), r.get("label"), fmt(s.get("healthySubscribers"), 0), fmt(s.get("rate"), 0),
                        fmt(s.get("deliveredPercent"), 2), fmt(map(s.get("latencyMs")).get("p99"), 2),
                        fmt(map(s.get("lastSubscriberMs")).get("p99"), 2), fmt(s.get("serverCpuPercent"), 1),
                        fmt(s.get("cpuMicrosPerEvent"), 2), Boolean.TRUE.equals(s.get("pass")) ? "yes" : "**no**");
            }
        }
        b.append("\nLast passing step: ");
        List<String> parts = new ArrayList<>();
        for (Map<String, Object> r : list) {
            Map<?, ?> s = map(r.get("lastPassing"));
            parts.add(r.get("runtime") + "/" + r.get("label") + " "
                    + (s.isEmpty() ? "none" : fmt(s.get("healthySubscribers"), 0) + " × " + fmt(s.get("rate"), 0) + "/s"));
        }
        b.append(String.join("; ", parts)).append(".\n\n");
    }

    private static void ratios(StringBuilder b, String workload, List<Map<String, Object>> list) {
        boolean idle = workload.equals("idle");
        List<String> rows = new ArrayList<>(), clusterRows = new ArrayList<>();
        for (Map<String, Object> hub : list) {
            if (!"hub".equals(hub.get("label"))) {
                continue;
            }
            for (Map<String, Object> other : list) {
                if (other.get("runtime").equals(hub.get("runtime")) && "cluster".equals(other.get("label"))) {
                    Map<?, ?> c = map(other.get("crossNodeLatencyMs"));
                    clusterRows.add(cells(hub.get("runtime"), ratio(other.get("deliveredPercent"), hub.get("deliveredPercent")),
                            ratio(figures(other).get("cpu"), figures(hub).get("cpu")),
                            ratio(c.get("p50"), map(hub.get("latencyMs")).get("p50")),
                            ratio(c.get("p99"), map(hub.get("latencyMs")).get("p99"))));
                }
                if (other.get("runtime").equals(hub.get("runtime")) && List.of("before", "async", "naive").contains(other.get("label"))) {
                    Map<?, ?> h = figures(hub), o = figures(other);
                    rows.add(idle
                            ? cells(hub.get("runtime"), other.get("label"), ratio(h.get("heap"), o.get("heap")), ratio(h.get("rss"), o.get("rss")))
                            : cells(hub.get("runtime"), other.get("label"), ratio(h.get("cpu"), o.get("cpu")), ratio(h.get("p99"), o.get("p99"))));
                }
            }
        }
        if (!clusterRows.isEmpty()) {
            b.append("cluster ÷ hub (one node, in memory), same runtime and run; latency of the cluster's cross-node deliveries:\n\n"
                    + "| runtime | delivered % ratio | µs/event ratio | cross-node p50 ratio | cross-node p99 ratio |\n"
                    + "|---|---:|---:|---:|---:|\n");
            clusterRows.forEach(b::append);
            b.append('\n');
        }
        if (rows.isEmpty()) {
            return;
        }
        b.append(idle ? "hub ÷ other, same runtime (below 1: hub uses less):\n\n| runtime | other | heap/subscriber ratio | RSS/subscriber ratio |\n"
                      : "hub ÷ other, same runtime (below 1: hub is cheaper or faster):\n\n| runtime | other | µs/event ratio | p99 ratio |\n");
        b.append("|---|---|---:|---:|\n");
        rows.forEach(b::append);
        b.append('\n');
    }

    private static Map<String, Object> figures(Map<String, Object> r) {
        Map<?, ?> s = "ramp".equals(r.get("workload")) ? map(r.get("lastPassing")) : r;
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("cpu", s.get("cpuMicrosPerEvent"));
        f.put("p99", map(s.get("latencyMs")).get("p99"));
        f.put("heap", r.get("heapBytesPerSubscriber"));
        f.put("rss", r.get("rssBytesPerSubscriber"));
        return f;
    }

    static String ratio(Object a, Object b) {
        Double x = num(a), y = num(b);
        return x == null || y == null || y == 0 ? "–" : String.format(Locale.ROOT, "%.2f", x / y);
    }

    private static String notes(Map<String, Object> r) {
        List<String> n = new ArrayList<>();
        Map<?, ?> repeats = map(r.get("repeats"));
        if (!repeats.isEmpty()) {
            n.add("median of " + fmt(repeats.get("count"), 0) + " runs: µs/event " + spread(repeats.get("cpuMicrosPerEvent"))
                    + ", p99 " + spread(repeats.get("p99")));
        }
        Map<?, ?> cross = map(r.get("crossNodeLatencyMs"));
        if (!cross.isEmpty()) {
            n.add("cross-node p50 " + fmt(cross.get("p50"), 2) + " ms, p99 " + fmt(cross.get("p99"), 2) + " ms");
        }
        Map<?, ?> redis = map(r.get("redis"));
        if (!redis.isEmpty()) {
            n.add("Redis CPU " + fmt(redis.get("cpuPercent"), 1) + " %, " + fmt(redis.get("cpuMicrosPerEvent"), 2)
                    + " µs/event, RSS " + fmt(num(redis.get("rssBytes")) == null ? null : num(redis.get("rssBytes")) / 1e6, 1) + " MB");
        }
        Map<?, ?> stalled = map(r.get("stalled"));
        if (!stalled.isEmpty()) {
            n.add("stalled dropped " + fmt(stalled.get("dropped"), 0) + "/" + fmt(stalled.get("count"), 0)
                    + (stalled.get("stalledGoneSeconds") == null ? "" : ", gone after " + fmt(stalled.get("stalledGoneSeconds"), 1) + " s"));
        }
        Map<?, ?> churn = map(r.get("churn"));
        if (!churn.isEmpty()) {
            n.add("churned " + fmt(churn.get("completedPerSecond"), 0) + "/s");
        }
        if (num(r.get("publishErrors")) != null && num(r.get("publishErrors")) > 0) {
            n.add(fmt(r.get("publishErrors"), 0) + " publish errors");
        }
        if (!map(r.get("connectFailures")).isEmpty()) {
            n.add("connect failures " + failures(r.get("connectFailures")));
        }
        if (!map(r.get("disconnects")).isEmpty()) {
            n.add("dropped " + failures(r.get("disconnects")));
        }
        return String.join("; ", n);
    }

    private static String spread(Object values) {
        List<String> parts = new ArrayList<>();
        for (Object v : values instanceof List<?> l ? l : List.of()) {
            parts.add(fmt(v, 1));
        }
        return String.join(" / ", parts);
    }

    private static String failures(Object o) {
        List<String> parts = new ArrayList<>();
        map(o).forEach((k, v) -> parts.add(k + " " + fmt(v, 0)));
        return String.join(", ", parts);
    }

    private static void row(StringBuilder b, Object... cells) {
        b.append(cells(cells));
    }

    private static String cells(Object... cells) {
        StringBuilder b = new StringBuilder("|");
        for (Object c : cells) {
            b.append(' ').append(c == null ? "" : c).append(" |");
        }
        return b.append('\n').toString();
    }

    static String fmt(Object v, int decimals) {
        Double d = num(v);
        return d == null ? "–" : String.format(Locale.ROOT, "%,." + decimals + "f", d);
    }

    static Double num(Object v) {
        return v instanceof Number n ? n.doubleValue() : null;
    }

    static Map<?, ?> map(Object v) {
        return v instanceof Map<?, ?> m ? m : Map.of();
    }

    static String str(Object v) {
        return v == null ? "" : v.toString();
    }

    private static int order(List<String> known, String s) {
        int i = known.indexOf(s);
        return i < 0 ? known.size() : i;
    }
}
