package org.ssehub.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportTest {
    static String run(String label, double micros, double p99, String timestamp) {
        return """
                {"label": "%s", "runtime": "payara", "workload": "headline", "timestamp": "%s",
                 "parameters": {"subscribers": 5000, "rate": 10, "size": 100, "seconds": 20, "warmupSeconds": 5, "stalled": 0, "churn": 0},
                 "healthySubscribers": 5000, "deliveredPercent": 100.0, "deliveredPerSecond": 50000.0,
                 "latencyMs": {"p50": 1.0, "p99": %s, "p999": 9.0, "max": 12.5},
                 "lastSubscriberMs": {"p50": 2.0, "p99": 4.0},
                 "serverCpuPercent": 40.0, "cpuMicrosPerEvent": %s, "rampSeconds": 2.5,
                 "connectFailures": {}, "disconnects": {}}
                """.formatted(label, timestamp, p99, micros);
    }

    @Test
    void tablesRatiosChartAndKeptIntro(@TempDir Path dir) throws Exception {
        Path results = Files.createDirectories(dir.resolve("results"));
        Files.writeString(results.resolve("hub.json"), run("hub", 5.0, 2.0, "2025-01-02T00:00:00Z"));
        Files.writeString(results.resolve("hub-old.json"), run("hub", 50.0, 20.0, "2025-01-01T00:00:00Z"));
        Files.writeString(results.resolve("async.json"), run("async", 10.0, 8.0, "2025-01-02T00:00:00Z"));
        Path md = dir.resolve("RESULTS.md");
        Files.writeString(md, "# My intro\n\nHand-written.\n\n" + Report.MARKER + "\nold generated text\n");

        Main.run(new String[] {"report", "--results", results.toString(), "--out", md.toString(),
            "--chart", dir.resolve("results.png").toString()});

        String text = Files.readString(md);
        assertTrue(text.startsWith("# My intro\n\nHand-written.\n\n" + Report.MARKER + "\n"), text);
        assertTrue(!text.contains("old generated text"), text);
        assertTrue(text.contains("## headline"), text);
        assertTrue(text.contains("| payara | hub | 5,000 | 100.00 | 50,000 | 1.00 | 2.00 | 9.00 | 12.50 | 4.00 | 40.0 | 5.00 | 2.50 |"), text);
        assertTrue(text.contains("| payara | async | 0.50 | 0.25 |"), text);
        assertTrue(text.contains("![p99 latency and server CPU per delivered event against subscribers](results.png)"), text);
        BufferedImage png = ImageIO.read(dir.resolve("results.png").toFile());
        assertEquals(1400, png.getWidth());
        assertEquals(600, png.getHeight());
    }

    @Test
    void newReportGetsAnIntro(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("a.json"), run("naive", 20.0, 4.0, "2025-01-02T00:00:00Z"));
        Files.writeString(dir.resolve("b.json"), run("hub", 5.0, 2.0, "2025-01-02T00:00:00Z"));
        Path md = dir.resolve("out/RESULTS.md");
        Files.createDirectories(md.getParent());
        Report.run(new String[] {"--results", dir.toString(), "--out", md.toString()});
        String text = Files.readString(md);
        assertTrue(text.startsWith("# sse-hub benchmark results"), text);
        assertTrue(text.contains(Report.MARKER), text);
        assertTrue(text.contains("| payara | naive | 0.25 | 0.50 |"), text);
    }

    @Test
    void chartLeavesOutRunsThatDeliveredAlmostNothing() throws Exception {
        Map<String, Object> held = object(run("async", 5000.0, 50000.0, "2025-01-02T00:00:00Z")
                .replace("\"deliveredPercent\": 100.0", "\"deliveredPercent\": 0.5"));
        Map<String, Object> hub = object(run("hub", 5.0, 2.0, "2025-01-02T00:00:00Z"));

        Map<String, List<Chart.Point>> series = Chart.series(List.of(held, hub));

        assertEquals(List.of("payara/hub"), List.copyOf(series.keySet()));
        assertEquals(List.of(new Chart.Point(5000, 2.0, 5.0)), series.get("payara/hub"));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(String json) {
        return (Map<String, Object>) Report.parse(json);
    }
}
