package org.ssehub.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MedianTest {

    @Test
    void eachFigureIsItsMedianAndTheReportShowsEveryRun(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("1.json"), ReportTest.run("hub", 19.0, 240.0, "2025-01-02T00:00:01Z"));
        Files.writeString(dir.resolve("2.json"), ReportTest.run("hub", 17.0, 90.0, "2025-01-02T00:00:02Z"));
        Files.writeString(dir.resolve("3.json"), ReportTest.run("hub", 18.0, 120.0, "2025-01-02T00:00:03Z"));
        Path results = Files.createDirectories(dir.resolve("results"));
        Path merged = results.resolve("payara-hub-headline.json");

        Main.run(new String[] {"median", "--out", merged.toString(), dir.resolve("1.json").toString(),
            dir.resolve("2.json").toString(), dir.resolve("3.json").toString()});

        Map<?, ?> r = (Map<?, ?>) Report.parse(Files.readString(merged));
        assertEquals(18.0, r.get("cpuMicrosPerEvent"));
        assertEquals(120.0, ((Map<?, ?>) r.get("latencyMs")).get("p99"));
        assertEquals(5000.0, r.get("healthySubscribers"));
        assertEquals("2025-01-02T00:00:03Z", r.get("timestamp"));
        assertEquals(List.of(19.0, 17.0, 18.0), ((Map<?, ?>) r.get("repeats")).get("cpuMicrosPerEvent"));

        Path md = dir.resolve("RESULTS.md");
        Report.run(new String[] {"--results", results.toString(), "--out", md.toString()});
        String text = Files.readString(md);
        assertTrue(text.contains("| payara | hub | 5,000 | 100.00 | 50,000 | 1.00 | 120.00 |"), text);
        assertTrue(text.contains("median of 3 runs: µs/event 19.0 / 17.0 / 18.0, p99 240.0 / 90.0 / 120.0"), text);
    }
}
