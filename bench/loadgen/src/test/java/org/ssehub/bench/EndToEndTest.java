package org.ssehub.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The whole run path against {@link FixtureServer}, on 127.0.0.1, a few seconds each. */
@Timeout(60)
class EndToEndTest {
    @TempDir
    Path dir;

    private Map<?, ?> run(FixtureServer server, String... flags) throws Exception {
        Path out = dir.resolve("run.json");
        List<String> args = new ArrayList<>(List.of("--base", server.base(),
                "--header", "Authorization: Bearer test", "--label", "hub", "--runtime", "fixture",
                "--out", out.toString()));
        if (!List.of(flags).contains("--url")) {
            args.addAll(List.of("--publish-url", server.base() + "/publish", "--url", server.base() + "/events"));
        }
        args.addAll(List.of(flags));
        assertEquals(0, Main.run(args.toArray(String[]::new)));
        return (Map<?, ?>) Report.parse(Files.readString(out));
    }

    private static double num(Object v) {
        return ((Number) v).doubleValue();
    }

    @Test
    void broadcastCountsDeliveriesLossesLatencyAndServerCpu() throws Exception {
        try (FixtureServer server = new FixtureServer(5, 10)) {
            Map<?, ?> r = run(server, "--workload", "headline", "--subscribers", "30", "--rate", "50",
                    "--size", "100", "--warmup-seconds", "1", "--seconds", "3", "--grace-seconds", "1",
                    "--server-pid", Long.toString(ProcessHandle.current().pid()));
            assertEquals("headline", r.get("workload"));
            assertEquals("fixture", r.get("runtime"));
            assertEquals(30.0, num(r.get("healthySubscribers")));
            assertEquals(150.0, num(r.get("published")));
            assertEquals(4500.0, num(r.get("expected")));
            assertEquals(15.0, num(r.get("lost")), "seqs 50..199 with seq % 10 == 3 missed by one subscriber");
            assertEquals(4485.0, num(r.get("delivered")));
            assertEquals(99.667, num(r.get("deliveredPercent")), 0.001);
            Map<?, ?> latency = (Map<?, ?>) r.get("latencyMs");
            assertTrue(num(latency.get("p50")) > 0 && num(latency.get("p50")) <= num(latency.get("p99")));
            assertTrue(num(latency.get("p99")) <= num(latency.get("p999")) && num(latency.get("p999")) <= num(latency.get("max")));
            assertTrue(num(latency.get("max")) < 2000, "max latency " + latency.get("max"));
            assertNotNull(r.get("lastSubscriberMs"));
            assertTrue(num(r.get("cpuMicrosPerEvent")) > 0);
            assertTrue(num(r.get("serverCpuPercent")) > 0);
            assertTrue(num(r.get("otherEvents")) > 0, "ticker events are ignored, not counted");
            assertEquals(0.0, num(r.get("duplicates")));
            assertEquals(Map.of(), r.get("publishFailures"));
            assertTrue(num(r.get("rampSeconds")) > 0);
            assertEquals(150, server.published.get() - 50);
        }
    }

    @Test
    void nodesTakeTurnsAndEachTopicsEventsAreDueToItsOwnSubscribers() throws Exception {
        try (FixtureServer server = new FixtureServer(-1, 10)) {
            String base = server.base();
            Map<?, ?> r = run(server, "--workload", "topics", "--subscribers", "12", "--topics", "3", "--rate", "60",
                    "--warmup-seconds", "1", "--seconds", "2", "--grace-seconds", "1",
                    "--url", base + "/events?node=b&topic={topic}", "--publish-url", base + "/publish?node=b&topic={topic}",
                    "--url", base + "/events?node=c&topic={topic}", "--publish-url", base + "/publish?node=c&topic={topic}",
                    "--redis-pid", Long.toString(ProcessHandle.current().pid()));
            assertEquals(120.0, num(r.get("published")));
            assertEquals(480.0, num(r.get("expected")), "each event is due to the 4 subscribers of its topic");
            assertEquals(0.0, num(r.get("lost")));
            assertEquals(480.0, num(r.get("delivered")));
            assertEquals(0.0, num(r.get("duplicates")));
            Map<?, ?> cross = (Map<?, ?>) r.get("crossNodeLatencyMs");
            assertEquals(240.0, num(cross.get("count")), "half of every topic's subscribers are on the other node");
            assertTrue(num(((Map<?, ?>) r.get("redis")).get("rssBytes")) > 0);
            assertEquals(90, server.publishedOn.get("b"), "warm-up and window alternate between the nodes");
            assertEquals(90, server.publishedOn.get("c"));
            for (String topic : List.of("bench-0", "bench-1", "bench-2")) {
                for (String node : List.of("b", "c")) {
                    assertEquals(2, server.subscribedTo.get(topic + "@" + node), topic + " on node " + node);
                }
            }
        }
    }

    @Test
    void stalledReadersAreDroppedAndChurnConnects() throws Exception {
        try (FixtureServer server = new FixtureServer(-1, 10)) {
            Map<?, ?> r = run(server, "--workload", "stalled10", "--subscribers", "20", "--stalled", "2",
                    "--churn", "20", "--rate", "50", "--size", "200", "--warmup-seconds", "1", "--seconds", "3",
                    "--grace-seconds", "1", "--count-url", server.base() + "/topics");
            assertEquals(18.0, num(r.get("healthySubscribers")));
            assertEquals(0.0, num(r.get("lost")));
            assertEquals(100.0, num(r.get("deliveredPercent")));
            assertEquals(0.0, num(r.get("duplicates")));
            Map<?, ?> stalled = (Map<?, ?>) r.get("stalled");
            assertEquals(2.0, num(stalled.get("paused")));
            assertEquals(2.0, num(stalled.get("dropped")), String.valueOf(stalled));
            assertNotNull(stalled.get("stalledGoneSeconds"), String.valueOf(r.get("countPoll")));
            Map<?, ?> churn = (Map<?, ?>) r.get("churn");
            assertTrue(num(churn.get("completed")) >= 40, String.valueOf(churn));
            assertEquals(Map.of(), churn.get("failures"));
        }
    }

    @Test
    void stalledReadersDroppedAfterTheWindowAreWaitedFor() throws Exception {
        try (FixtureServer server = new FixtureServer(-1, 10)) {
            Map<?, ?> r = run(server, "--workload", "stalled10", "--subscribers", "6", "--stalled", "2",
                    "--rate", "10", "--size", "2000", "--warmup-seconds", "0.5", "--seconds", "1",
                    "--grace-seconds", "0.5", "--stall-hold-seconds", "30", "--count-url", server.base() + "/topics");
            Map<?, ?> stalled = (Map<?, ?>) r.get("stalled");
            assertEquals(2.0, num(stalled.get("dropped")), String.valueOf(stalled));
            assertTrue(num(stalled.get("stalledGoneSeconds")) > 1.5, String.valueOf(stalled));
        }
    }

    @Test
    void idleMeasuresMemoryOfTheServerProcess() throws Exception {
        try (FixtureServer server = new FixtureServer(-1, 10)) {
            Map<?, ?> r = run(server, "--workload", "idle", "--subscribers", "25", "--idle-seconds", "0.5",
                    "--server-pid", Long.toString(ProcessHandle.current().pid()));
            assertEquals(25.0, num(r.get("subscribersConnected")));
            assertTrue(num(r.get("heapBytesBefore")) > 0, String.valueOf(r));
            assertNotNull(r.get("heapBytesPerSubscriber"));
            assertNotNull(r.get("rssBytesPerSubscriber"));
            assertEquals(Map.of(), r.get("connectFailures"));
        }
    }

    @Test
    void rampStepsUntilTheLimits() throws Exception {
        try (FixtureServer server = new FixtureServer(-1, 10)) {
            Map<?, ?> r = run(server, "--workload", "ramp", "--subscribers", "4", "--max-ramp-subscribers", "8",
                    "--rate", "20", "--max-rate", "40", "--warmup-seconds", "0.5", "--seconds", "1", "--grace-seconds", "0.5");
            List<?> steps = (List<?>) r.get("steps");
            assertEquals(3, steps.size());
            assertEquals(List.of(4.0, 8.0, 8.0), steps.stream().map(s -> ((Map<?, ?>) s).get("healthySubscribers")).toList());
            assertEquals(List.of(20.0, 20.0, 40.0), steps.stream().map(s -> ((Map<?, ?>) s).get("rate")).toList());
            assertEquals(40.0, num(((Map<?, ?>) r.get("lastPassing")).get("rate")));
        }
    }

    @Test
    void refusedConnectionsAreCounted() throws Exception {
        try (FixtureServer server = new FixtureServer(-1, 10)) {
            Map<?, ?> r = run(server, "--workload", "idle", "--subscribers", "3", "--idle-seconds", "0",
                    "--url", server.base() + "/nowhere");
            assertEquals(Map.of("http-404", 3.0), r.get("connectFailures"));
            assertEquals(0.0, num(r.get("subscribersConnected")));
        }
    }

    @Test
    void tooManySubscribersIsRefusedClearly() {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> Options.parse(new String[] {"--workload", "capacity", "--subscribers", "19501"}));
        assertTrue(e.getMessage().contains("19500"), e.getMessage());
    }
}
