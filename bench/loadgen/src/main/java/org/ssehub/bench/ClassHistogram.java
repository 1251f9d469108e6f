package org.ssehub.bench;

import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What a heap gained between two {@code jcmd GC.class_histogram} outputs, by class. */
final class ClassHistogram {
    private static final Pattern ROW = Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+)");

    private ClassHistogram() {
    }

    /** The TOP classes whose bytes grew most, with instances and bytes per stream for STREAMS streams. */
    static String growth(String before, String after, int streams, int top) {
        Map<String, long[]> b = parse(before), a = parse(after);
        long total = 0;
        StringBuilder out = new StringBuilder();
        var rows = a.entrySet().stream().map(e -> {
            long[] was = b.getOrDefault(e.getKey(), new long[2]);
            return Map.entry(e.getKey(), new long[] {e.getValue()[0] - was[0], e.getValue()[1] - was[1]});
        }).sorted((x, y) -> Long.compare(y.getValue()[1], x.getValue()[1])).toList();
        for (var row : rows) {
            total += row.getValue()[1];
        }
        double per = Math.max(1, streams);
        out.append(String.format("%d streams; heap grew %.1f KB per stream in all%n", streams, total / per / 1024));
        out.append(String.format("%12s %12s %10s  %s%n", "instances", "bytes", "B/stream", "class"));
        for (var row : rows.subList(0, Math.min(top, rows.size()))) {
            out.append(String.format("%12d %12d %10.1f  %s%n", row.getValue()[0], row.getValue()[1],
                    row.getValue()[1] / per, row.getKey()));
        }
        return out.toString();
    }

    private static Map<String, long[]> parse(String histogram) {
        Map<String, long[]> classes = new HashMap<>();
        for (String line : histogram.split("\\R")) {
            Matcher m = ROW.matcher(line);
            if (m.find()) {
                classes.merge(m.group(3), new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))},
                        (x, y) -> new long[] {x[0] + y[0], x[1] + y[1]});
            }
        }
        return classes;
    }
}
