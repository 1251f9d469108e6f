package org.ssehub.bench;

import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.HdrHistogram.Histogram;

/** Runs one workload against a server and answers its figures as a JSON-ready map. */
final class Bench {
    private final Options o;
    private final ServerProbe probe;
    private final ServerProbe redis;
    private final Targets targets;
    private Subscribers subs;
    private Publisher publisher;
    private final ExecutorService profiling = Executors.newSingleThreadExecutor(task -> {
        Thread thread = new Thread(task, "profiler");
        thread.setDaemon(true);
        return thread;
    });

    Bench(Options o) {
        this.o = o;
        this.probe = o.serverPid == null ? null : new ServerProbe(o.serverPid);
        this.redis = o.redisPid == null ? null : new ServerProbe(o.redisPid);
        this.targets = o.targets();
    }

    Map<String, Object> run() throws Exception {
        checkFileLimit();
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("label", o.label);
        r.put("runtime", o.runtime);
        r.put("workload", o.workload);
        r.put("timestamp", Instant.now().toString());
        r.put("parameters", o.parameters());
        publisher = new Publisher(targets, o.headers, o.size);
        try (Subscribers s = new Subscribers(targets, o.maxInFlight, o.connectTimeoutSeconds)) {
            subs = s;
            s.publishErrors = publisher.errors::get;
            switch (o.workload) {
                case "idle" -> idle(r);
                case "ramp" -> ramp(r);
                default -> broadcast(r);
            }
            Map<String, Object> stats = s.stats();
            r.put("connectFailures", stats.get("connectFailures"));
            r.put("disconnects", stats.get("disconnects"));
            r.put("duplicates", stats.get("duplicates"));
            r.put("otherEvents", stats.get("otherEvents"));
            r.put("publishFailures", publisher.failures());
        }
        return r;
    }

    private void checkFileLimit() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean os) {
            long need = (long) Math.max(o.subscribers, o.workload.equals("ramp") ? o.maxRampSubscribers : 0) + 300;
            if (os.getMaxFileDescriptorCount() < need) {
                throw new IllegalArgumentException("this run needs about " + need + " file descriptors but ulimit -n is "
                        + os.getMaxFileDescriptorCount() + "; raise it (ulimit -n 20000)");
            }
        }
    }

    private void idle(Map<String, Object> r) throws Exception {
        Long heap0 = heap(r), rss0 = probe == null ? null : probe.rssBytes();
        String histogram0 = o.profileOut == null ? null : probe.run("GC.class_histogram");
        connect(o.subscribers, 0, r);
        subs.phase = "idle";
        Thread.sleep((long) (o.idleSeconds * 1000));
        int n = subs.alive();
        r.put("subscribersConnected", n);
        Long heap1 = heap(r), rss1 = probe == null ? null : probe.rssBytes();
        if (histogram0 != null) {
            String text = ClassHistogram.growth(histogram0, probe.run("GC.class_histogram"), n, 40);
            Files.writeString(Path.of(o.profileOut + "-histogram.txt"), text);
        }
        r.put("heapBytesBefore", heap0);
        r.put("heapBytesAfter", heap1);
        r.put("rssBytesBefore", rss0);
        r.put("rssBytesAfter", rss1);
        r.put("heapBytesPerSubscriber", heap0 == null || heap1 == null || n == 0 ? null : (double) Math.round((heap1 - heap0) / (double) n));
        r.put("rssBytesPerSubscriber", rss0 == null || n == 0 ? null : (double) Math.round((rss1 - rss0) / (double) n));
    }

    private Long heap(Map<String, Object> r) {
        if (probe == null) {
            return null;
        }
        try {
            return probe.heapUsedAfterGc();
        } catch (IllegalStateException e) {
            System.err.println("heap measurement failed: " + e.getMessage());
            r.put("heapError", e.getMessage());
            return null;
        }
    }

    private void broadcast(Map<String, Object> r) throws Exception {
        connect(o.subscribers, o.stalled, r);
        CountPoller poller = o.countUrl == null ? null : new CountPoller(URI.create(o.countUrl), o.topic, o.headers,
                o.stalled, () -> subs.allStalledNanos);
        if (o.churn > 0) {
            subs.churn(o.churn);
        }
        Map<String, Object> m = measure(o.subscribers, o.rate);
        if (o.churn > 0) {
            subs.churn(0);
        }
        r.putAll(m);
        if (o.stalled > 0) {
            holdStalled(poller);
            r.put("stalled", stallCheck(poller));
        }
        if (poller != null) {
            poller.stop();
            r.put("countPoll", poller.summary());
        }
        if (o.churn > 0) {
            Map<String, Object> stats = subs.stats();
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("perSecond", o.churn);
            c.put("completed", stats.get("churnCompleted"));
            c.put("completedPerSecond", round(((Number) stats.get("churnCompleted")).doubleValue()
                    / (double) stats.get("churnSeconds"), 1));
            c.put("failures", stats.get("churnFailures"));
            r.put("churn", c);
        }
    }

    private void ramp(Map<String, Object> r) throws Exception {
        int n = o.subscribers;
        double rate = o.rate;
        List<Object> steps = new ArrayList<>();
        Map<String, Object> lastPassing = null;
        r.put("steps", steps);
        while (true) {
            int have = subs.alive();
            Map<String, Object> connect = new LinkedHashMap<>();
            if (have < n) {
                connect(n - have, 0, connect);
            }
            Map<String, Object> step = measure(n, rate);
            step.put("rampSeconds", connect.get("rampSeconds"));
            Double delivered = (Double) step.get("deliveredPercent");
            Double p99 = step.get("latencyMs") instanceof Map<?, ?> l ? (Double) l.get("p99") : null;
            // The publisher may fall behind the nominal rate; the step then measured less than it claims.
            boolean published = ((Number) step.get("published")).doubleValue() >= 0.95 * rate * (Double) step.get("windowSeconds");
            boolean pass = published && delivered != null && delivered >= 99 && p99 != null && p99 <= 1000;
            step.put("publisherKeptUp", published);
            step.put("pass", pass);
            steps.add(step);
            if (!pass) {
                break;
            }
            lastPassing = step;
            if (n * 2 <= o.maxRampSubscribers) {
                n *= 2;
            } else if (rate * 2 <= o.maxRate) {
                rate *= 2;
            } else {
                break;
            }
        }
        r.put("lastPassing", lastPassing == null ? null : new LinkedHashMap<>(lastPassing));
        r.put("rampSeconds", ((Map<?, ?>) steps.get(0)).get("rampSeconds"));
    }

    private void connect(int n, int stalled, Map<String, Object> r) throws InterruptedException {
        subs.phase = "connect";
        subs.open(n, stalled);
        while (subs.connecting()) {
            Thread.sleep(100);
        }
        r.put("rampSeconds", round(subs.rampSeconds(), 3));
        r.put("subscribersConnected", subs.alive());
    }

    /** Runs a profiler command off the publishing thread, so jcmd's start-up does not delay a publish. */
    private void profile(Runnable command) {
        if (o.profiler != null) {
            profiling.execute(() -> {
                try {
                    command.run();
                } catch (IllegalStateException e) {
                    System.err.println("profiling failed: " + e.getMessage());
                }
            });
        }
    }

    private Map<String, Object> measure(int requested, double rate) throws InterruptedException, ExecutionException {
        int warm = (int) Math.round(rate * o.warmupSeconds);
        int count = (int) Math.max(1, Math.round(rate * o.seconds));
        Window w = new Window(publisher.nextSeq() + warm, count, targets);
        long[] t = new long[2], cpu = new long[2], redisCpu = new long[2];
        subs.window(w);
        subs.phase = "warmup";
        publisher.publish(rate, warm, w, () -> {
            w.subscribers = subs.alive();
            subs.phase = "measure";
            t[0] = System.nanoTime();
            cpu[0] = probe == null ? 0 : probe.cpuTicks();
            redisCpu[0] = redis == null ? 0 : redis.cpuTicks();
            profile(() -> probe.startProfile(o.profiler));
        }, () -> {
            t[1] = System.nanoTime();
            cpu[1] = probe == null ? 0 : probe.cpuTicks();
            redisCpu[1] = redis == null ? 0 : redis.cpuTicks();
            profile(() -> probe.stopProfile(o.profiler, o.profileOut));
        });
        if (o.profiler != null) {
            profiling.submit(() -> { }).get();
        }
        subs.phase = "grace";
        publisher.drain(15);
        long left = t[1] + (long) (o.graceSeconds * 1e9) - System.nanoTime();
        if (left > 0) {
            Thread.sleep(left / 1_000_000);
        }
        subs.freeze(w);
        subs.window(null);

        double seconds = (t[1] - t[0]) / 1e9;
        int published = w.accepted();
        long expected = (long) published * w.perEvent();
        long lost = w.lost();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("subscribers", requested);
        m.put("healthySubscribers", w.subscribers);
        m.put("rate", rate);
        m.put("size", o.size);
        m.put("windowSeconds", round(seconds, 3));
        m.put("published", published);
        m.put("publishErrors", count - published);
        m.put("expected", expected);
        m.put("delivered", w.delivered);
        m.put("lost", lost);
        m.put("deliveredPercent", expected == 0 ? null : round(100.0 * (expected - lost) / expected, 3));
        m.put("deliveredPerSecond", round(w.delivered / seconds, 1));
        Histogram h = w.latencyMicros;
        if (h.getTotalCount() > 0) {
            Map<String, Object> l = new LinkedHashMap<>();
            l.put("p50", ms(h.getValueAtPercentile(50)));
            l.put("p99", ms(h.getValueAtPercentile(99)));
            l.put("p999", ms(h.getValueAtPercentile(99.9)));
            l.put("max", ms(h.getMaxValue()));
            m.put("latencyMs", l);
        } else {
            m.put("latencyMs", null);
        }
        Histogram cross = w.crossNodeMicros;
        if (cross.getTotalCount() > 0) {
            Map<String, Object> l = new LinkedHashMap<>();
            l.put("p50", ms(cross.getValueAtPercentile(50)));
            l.put("p99", ms(cross.getValueAtPercentile(99)));
            l.put("count", cross.getTotalCount());
            m.put("crossNodeLatencyMs", l);
        }
        Histogram last = w.lastSubscriberMicros();
        if (last.getTotalCount() > 0) {
            Map<String, Object> l = new LinkedHashMap<>();
            l.put("p50", ms(last.getValueAtPercentile(50)));
            l.put("p99", ms(last.getValueAtPercentile(99)));
            m.put("lastSubscriberMs", l);
        } else {
            m.put("lastSubscriberMs", null);
        }
        if (probe != null) {
            double cpuSeconds = probe.cpuSeconds(cpu[1] - cpu[0]);
            m.put("serverCpuSeconds", round(cpuSeconds, 3));
            m.put("serverCpuPercent", round(100 * cpuSeconds / seconds, 1));
            m.put("cpuMicrosPerEvent", w.delivered == 0 ? null : round(cpuSeconds * 1e6 / w.delivered, 3));
        }
        if (redis != null) {
            double cpuSeconds = redis.cpuSeconds(redisCpu[1] - redisCpu[0]);
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("cpuPercent", round(100 * cpuSeconds / seconds, 1));
            r.put("cpuMicrosPerEvent", w.delivered == 0 ? null : round(cpuSeconds * 1e6 / w.delivered, 3));
            r.put("rssBytes", redis.rssBytes());
            m.put("redis", r);
        }
        return m;
    }

    /**
     * Keeps publishing at the workload's rate, the stalled readers still paused, until the server has dropped them
     * or {@code --stall-hold-seconds} have passed: for servers that take longer than the measured window.
     */
    private void holdStalled(CountPoller poller) throws InterruptedException {
        long until = System.nanoTime() + (long) (o.stallHoldSeconds * 1e9);
        int perSecond = (int) Math.max(1, Math.round(o.rate));
        subs.phase = "stall-hold";
        while (poller != null && poller.goneNanos == 0 && System.nanoTime() < until) {
            publisher.publish(o.rate, perSecond, new Window(publisher.nextSeq() + perSecond, 0), () -> { }, () -> { });
        }
        publisher.drain(15);
    }

    private Map<String, Object> stallCheck(CountPoller poller) throws InterruptedException {
        subs.phase = "stall-check";
        long stalledAt = subs.allStalledNanos;
        subs.resumeStalled();
        long deadline = System.nanoTime() + (long) (o.stallCheckSeconds * 1e9);
        while (System.nanoTime() < deadline && subs.stalledOpen() > 0) {
            Thread.sleep(100);
        }
        int open = subs.stalledOpen();
        Map<String, Object> stats = subs.stats();
        @SuppressWarnings("unchecked")
        Map<String, Integer> drops = (Map<String, Integer>) stats.get("stalledDrops");
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("count", o.stalled);
        s.put("paused", stats.get("stalledPaused"));
        s.put("dropped", drops.values().stream().mapToInt(Integer::intValue).sum());
        s.put("stillOpen", open);
        s.put("dropKinds", drops);
        long gone = poller == null ? 0 : poller.goneNanos;
        s.put("stalledGoneSeconds", gone == 0 || stalledAt == 0 ? null : round(Math.max(0, gone - stalledAt) / 1e9, 2));
        return s;
    }

    static double ms(long micros) {
        return round(micros / 1000.0, 3);
    }

    static double round(double v, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }

    /** Polls the topic list and notes when the topic's subscriber count fell by the stalled count. */
    static final class CountPoller implements Runnable {
        private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2)).build();
        private final HttpRequest request;
        private final String topic;
        private final int drop;
        private final LongSupplier stalledSince;
        private final Thread thread = new Thread(this, "count-poller");
        private final AtomicLong polls = new AtomicLong(), errors = new AtomicLong();
        private volatile boolean running = true;
        private volatile long max = -1, last = -1;
        volatile long goneNanos;

        CountPoller(URI uri, String topic, List<String[]> headers, int drop, LongSupplier stalledSince) {
            HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).GET();
            headers.forEach(h -> b.header(h[0], h[1]));
            this.request = b.build();
            this.topic = topic;
            this.drop = drop;
            this.stalledSince = stalledSince;
            thread.setDaemon(true);
            thread.start();
        }

        @Override
        public void run() {
            while (running) {
                long next = System.nanoTime() + 250_000_000L;
                try {
                    long n = subscribers(client.send(request, HttpResponse.BodyHandlers.ofString()).body());
                    polls.incrementAndGet();
                    last = n;
                    if (n > max) {
                        max = n;
                    }
                    if (drop > 0 && goneNanos == 0 && stalledSince.getAsLong() != 0 && n <= max - drop) {
                        goneNanos = System.nanoTime();
                    }
                } catch (InterruptedException e) {
                    return;
                } catch (Exception e) {
                    errors.incrementAndGet();
                }
                long left = next - System.nanoTime();
                if (left > 0) {
                    java.util.concurrent.locks.LockSupport.parkNanos(left);
                }
            }
        }

        private long subscribers(String body) {
            if (Report.parse(body) instanceof List<?> topics) {
                for (Object t : topics) {
                    if (t instanceof Map<?, ?> m && topic.equals(m.get("topic"))) {
                        return ((Number) m.get("subscribers")).longValue();
                    }
                }
                return 0;
            }
            throw new IllegalArgumentException("not a JSON array: " + body);
        }

        void stop() throws InterruptedException {
            running = false;
            thread.interrupt();
            thread.join(5000);
        }

        Map<String, Object> summary() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("polls", polls.get());
            m.put("errors", errors.get());
            m.put("maxSubscribers", max);
            m.put("lastSubscribers", last);
            return m;
        }
    }
}
