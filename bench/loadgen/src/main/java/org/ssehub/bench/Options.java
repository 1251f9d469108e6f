package org.ssehub.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Command-line flags of a run, with the defaults of the chosen workload. */
final class Options {
    static final int MAX_SUBSCRIBERS = 19_500;

    static final String USAGE = """
            usage: java -jar loadgen.jar [run] --workload NAME [flags]
                   java -jar loadgen.jar report --results DIR --out RESULTS.md --chart results.png

            workloads: idle, headline, fast, large, churn, steady, stalled1, stalled10, capacity, ramp, topics

            target
              --base URL                 context root (default http://127.0.0.1:8080)
              --topic NAME               topic (default bench)
              --url URL                  subscribe URL (default BASE/api/events?topic={topic}); once per node
              --publish-url URL          publish URL (default BASE/api/topics/{topic}/events); once per node, in
                                         the order of --url: subscribers and publications take turns over nodes
              --topics N                 spread subscribers and publications over N topics, TOPIC-0 .. TOPIC-N-1,
                                         put for {topic} in the URLs (default 1: TOPIC itself)
              --header "Name: value"     header on every publish and count request (repeatable)
              --count-url URL            topic list with subscriber counts, polled every 250 ms
              --server-pid PID           server process: CPU from /proc, heap with jcmd, RSS
              --redis-pid PID            a Redis the servers use: its CPU in the window and its RSS
              --profiler LIB             async-profiler's libasyncProfiler.so: profile the server's CPU during
                                         the measured window (needs --server-pid and --profile-out)
              --profile-out FILE         where the profile goes: FILE.html (flame graph), FILE.txt (top frames)
            load (defaults from the workload)
              --subscribers N  --rate EVENTS_PER_S  --size BYTES  --seconds S  --warmup-seconds S
              --stalled K  --churn PER_S
              --stall-check-seconds S (3)  --idle-seconds S (5)  --grace-seconds S (2)
              --stall-hold-seconds S (0) after the window, keep publishing with the stalled readers paused
                                         until the server drops them (seen through --count-url) or S pass
              --connect-timeout-seconds S (60)  --max-in-flight N (500)
              --max-rate R (1000)  --max-ramp-subscribers N (16000)
            output
              --label NAME (hub)  --runtime NAME (unknown)  --out FILE.json
            """;

    String workload = "headline";
    int subscribers;
    double rate;
    int size;
    double seconds;
    double warmupSeconds;
    int stalled;
    double churn;
    double stallCheckSeconds = 3;
    double stallHoldSeconds;
    double idleSeconds = 5;
    double graceSeconds = 2;
    double connectTimeoutSeconds = 60;
    int maxInFlight = 500;
    double maxRate = 1000;
    int maxRampSubscribers = 16_000;
    String base = "http://127.0.0.1:8080";
    String topic = "bench";
    int topics = 1;
    final List<String> urls = new ArrayList<>();
    final List<String> publishUrls = new ArrayList<>();
    String countUrl;
    final List<String[]> headers = new ArrayList<>();
    Long serverPid;
    Long redisPid;
    String profiler;
    String profileOut;
    String label = "hub";
    String runtime = "unknown";
    String out;

    static Options parse(String[] args) {
        Map<String, String> flags = new LinkedHashMap<>();
        Options o = new Options();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument " + a + "\n" + USAGE);
            }
            String name = a.substring(2), value;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            } else if (i + 1 < args.length) {
                value = args[++i];
            } else {
                throw new IllegalArgumentException("--" + name + " needs a value");
            }
            if (name.equals("header")) {
                int colon = value.indexOf(':');
                if (colon <= 0) {
                    throw new IllegalArgumentException("--header wants \"Name: value\", got " + value);
                }
                o.headers.add(new String[] {value.substring(0, colon).strip(), value.substring(colon + 1).strip()});
            } else if (name.equals("url")) {
                o.urls.add(value);
            } else if (name.equals("publish-url")) {
                o.publishUrls.add(value);
            } else {
                flags.put(name, value);
            }
        }
        o.workload = flags.getOrDefault("workload", o.workload);
        o.defaults();
        flags.forEach(o::set);
        o.check();
        return o;
    }

    private void defaults() {
        warmupSeconds = 5;
        seconds = 20;
        size = 100;
        rate = 10;
        switch (workload) {
            case "idle" -> {
                subscribers = 10_000;
                rate = 0;
            }
            case "headline" -> subscribers = 5_000;
            case "fast" -> {
                subscribers = 1_000;
                rate = 100;
            }
            case "large" -> {
                subscribers = 2_000;
                size = 4_096;
            }
            case "churn" -> {
                subscribers = 1_000;
                churn = 200;
            }
            case "steady", "stalled1", "stalled10" -> {
                subscribers = 1_000;
                size = 4_096;
                stalled = workload.equals("stalled1") ? 1 : workload.equals("stalled10") ? 10 : 0;
            }
            case "capacity" -> {
                subscribers = 19_000;
                rate = 1;
            }
            case "ramp" -> {
                subscribers = 1_000;
                seconds = 10;
                warmupSeconds = 2;
            }
            case "topics" -> {
                subscribers = 5_000;
                topics = 1_000;
                rate = 1_000;
            }
            default -> throw new IllegalArgumentException("unknown workload " + workload + "\n" + USAGE);
        }
    }

    private void set(String name, String v) {
        try {
            switch (name) {
                case "workload" -> { }
                case "subscribers" -> subscribers = Integer.parseInt(v);
                case "rate" -> rate = Double.parseDouble(v);
                case "size" -> size = Integer.parseInt(v);
                case "seconds" -> seconds = Double.parseDouble(v);
                case "warmup-seconds" -> warmupSeconds = Double.parseDouble(v);
                case "stalled" -> stalled = Integer.parseInt(v);
                case "churn" -> churn = Double.parseDouble(v);
                case "stall-check-seconds" -> stallCheckSeconds = Double.parseDouble(v);
                case "stall-hold-seconds" -> stallHoldSeconds = Double.parseDouble(v);
                case "idle-seconds" -> idleSeconds = Double.parseDouble(v);
                case "grace-seconds" -> graceSeconds = Double.parseDouble(v);
                case "connect-timeout-seconds" -> connectTimeoutSeconds = Double.parseDouble(v);
                case "max-in-flight" -> maxInFlight = Integer.parseInt(v);
                case "max-rate" -> maxRate = Double.parseDouble(v);
                case "max-ramp-subscribers" -> maxRampSubscribers = Integer.parseInt(v);
                case "base" -> base = v.replaceAll("/+$", "");
                case "topic" -> topic = v;
                case "topics" -> topics = Integer.parseInt(v);
                case "count-url" -> countUrl = v;
                case "server-pid" -> serverPid = Long.parseLong(v);
                case "redis-pid" -> redisPid = Long.parseLong(v);
                case "profiler" -> profiler = v;
                case "profile-out" -> profileOut = v;
                case "label" -> label = v;
                case "runtime" -> runtime = v;
                case "out" -> out = v;
                default -> throw new IllegalArgumentException("unknown flag --" + name + "\n" + USAGE);
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " wants a number, got " + v);
        }
    }

    private void check() {
        if (urls.isEmpty()) {
            urls.add(base + "/api/events?topic={topic}");
        }
        if (publishUrls.isEmpty()) {
            publishUrls.add(base + "/api/topics/{topic}/events");
        }
        if (topics < 1 || subscribers % topics != 0) {
            throw new IllegalArgumentException("--subscribers must be a multiple of --topics, so that every topic has as many");
        }
        if (subscribers < 1 || subscribers > MAX_SUBSCRIBERS) {
            throw new IllegalArgumentException("--subscribers must be 1.." + MAX_SUBSCRIBERS
                    + " (the process may hold at most 20,000 file descriptors), got " + subscribers);
        }
        if (workload.equals("ramp") && maxRampSubscribers > MAX_SUBSCRIBERS) {
            throw new IllegalArgumentException("--max-ramp-subscribers must be at most " + MAX_SUBSCRIBERS);
        }
        if (profiler != null && (serverPid == null || profileOut == null)) {
            throw new IllegalArgumentException("--profiler needs --server-pid and --profile-out");
        }
        if (stalled < 0 || stalled > subscribers) {
            throw new IllegalArgumentException("--stalled must be 0.." + subscribers);
        }
        if (!workload.equals("idle") && (rate <= 0 || seconds <= 0)) {
            throw new IllegalArgumentException("--rate and --seconds must be positive");
        }
        if (size < 1 || churn < 0 || warmupSeconds < 0 || maxInFlight < 1) {
            throw new IllegalArgumentException("--size, --churn, --warmup-seconds or --max-in-flight out of range");
        }
    }

    Targets targets() {
        return new Targets(urls, publishUrls, topic, topics);
    }

    Map<String, Object> parameters() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("subscribers", subscribers);
        p.put("rate", rate);
        p.put("size", size);
        p.put("seconds", seconds);
        p.put("warmupSeconds", warmupSeconds);
        p.put("stalled", stalled);
        p.put("churn", churn);
        if (topics > 1) {
            p.put("topics", topics);
        }
        p.put("url", urls.size() == 1 ? urls.get(0) : urls);
        p.put("publishUrl", publishUrls.size() == 1 ? publishUrls.get(0) : publishUrls);
        if (countUrl != null) {
            p.put("countUrl", countUrl);
        }
        if (serverPid != null) {
            p.put("serverPid", serverPid);
        }
        return p;
    }
}
