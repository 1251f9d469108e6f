package org.ssehub.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Merges repeated runs of one workload and label into one result: every number is the median of its values across
 * the runs, taken separately, so the median p99 and the median CPU may come from different runs. The result keeps
 * each run's µs/event and p99 under {@code repeats}, so the spread stays visible.
 */
final class Median {

    private Median() {
    }

    /** {@code median --out FILE RUN.json RUN.json ...} */
    static void run(String[] args) throws IOException {
        if (args.length < 3 || !args[0].equals("--out")) {
            throw new IllegalArgumentException("usage: median --out RESULT.json RUN.json [RUN.json ...]");
        }
        List<Map<String, Object>> runs = new ArrayList<>();
        for (int i = 2; i < args.length; i++) {
            runs.add(object(Report.parse(Files.readString(Path.of(args[i]))), args[i]));
        }
        Files.writeString(Path.of(args[1]), Report.json(merge(runs)));
        System.out.println("wrote " + args[1] + ", the median of " + runs.size() + " runs");
    }

    static Map<String, Object> merge(List<Map<String, Object>> runs) {
        if (runs.isEmpty()) {
            throw new IllegalArgumentException("no runs to merge");
        }
        Map<String, Object> merged = mergeMaps(runs);
        Map<String, Object> repeats = new LinkedHashMap<>();
        repeats.put("count", runs.size());
        repeats.put("cpuMicrosPerEvent", runs.stream().map(r -> r.get("cpuMicrosPerEvent")).toList());
        repeats.put("p99", runs.stream().map(r -> Report.map(r.get("latencyMs")).get("p99")).toList());
        merged.put("repeats", repeats);
        return merged;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> mergeMaps(List<? extends Map<?, ?>> maps) {
        Map<String, Object> merged = new LinkedHashMap<>();
        for (Object key : maps.get(maps.size() - 1).keySet()) {
            List<Object> values = maps.stream().map(m -> (Object) m.get(key)).toList();
            if (values.stream().allMatch(v -> v instanceof Number)) {
                merged.put((String) key, median(values.stream().map(v -> ((Number) v).doubleValue()).sorted().toList()));
            } else if (values.stream().allMatch(v -> v instanceof Map<?, ?>)) {
                merged.put((String) key, mergeMaps((List<Map<?, ?>>) (List<?>) values));
            } else {
                merged.put((String) key, values.get(values.size() - 1));
            }
        }
        return merged;
    }

    private static double median(List<Double> sorted) {
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(Object parsed, String file) {
        if (parsed instanceof Map<?, ?> m && m.get("workload") != null) {
            return (Map<String, Object>) m;
        }
        throw new IllegalArgumentException(file + " is not a run result");
    }
}
