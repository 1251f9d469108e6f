package org.ssehub.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.ssehub.DeployedWar;
import org.ssehub.SseStream;

/**
 * What an operator reads in {@code GET /api/metrics} follows what clients did: streams opened and refused, events
 * delivered, replayed and reset, publish-to-write latency; and the JVM's and the process's own figures are there.
 */
class MetricsIT extends DeployedWar {

    private static final String DELIVERED = "sse_hub_events_delivered_total";
    private static final String REPLAYED = "sse_hub_events_replayed_total";
    private static final String RESETS = "sse_hub_resets_total";
    private static final String OPENED = "sse_hub_streams_opened_total";
    private static final String TIMED = "sse_hub_publish_to_write_seconds_count";
    private static final Pattern SERIES = Pattern.compile("\\b(sse_hub|jvm|process|system)_[a-z_]+\\b");
    private static final String REFUSED_PER_CLIENT = "sse_hub_streams_refused_total{reason=\"max_connections_per_client\"}";

    @Test
    void streamsAndEventsAreCountedAsClientsSeeThem() throws Exception {
        String topic = "metrics-" + UUID.randomUUID();
        double delivered = metric(DELIVERED), replayed = metric(REPLAYED), resets = metric(RESETS);
        double opened = metric(OPENED), timed = metric(TIMED);
        List<String> ids = new ArrayList<>();
        try (SseStream live = stream("api/events?topic=" + topic)) {
            live.next(TIMEOUT);
            for (int i = 0; i < 3; i++) {
                assertEquals(201, send(textPublish(topic, "m" + i)).statusCode());
                ids.add(live.nextEvent(TIMEOUT).id());
            }
            try (SseStream resumed = stream("api/events?topic=" + topic, "Last-Event-ID: " + ids.get(0));
                    SseStream unknown = stream("api/events?topic=" + topic, "Last-Event-ID: not-an-id")) {
                assertEquals(ids.get(1), resumed.nextEvent(TIMEOUT).id());
                assertEquals(ids.get(2), resumed.nextEvent(TIMEOUT).id());
                assertEquals("reset", unknown.nextEvent(TIMEOUT).event());
                assertEquals(opened + 3, metric(OPENED));
                assertEquals(replayed + 2, metric(REPLAYED), "two events sent from history");
                assertEquals(resets + 1, metric(RESETS));
                assertTrue(metric(DELIVERED) >= delivered + 3 + 2 + 1, "live, replayed and reset events handed to streams");
                assertTrue(metric(TIMED) >= timed + 1, "the live events were timed from publish to write");
            }
        }
    }

    @Test
    void aRefusedStreamIsCountedByItsReason() throws Exception {
        double refused = metric(REFUSED_PER_CLIENT);
        List<SseStream> open = new ArrayList<>();
        try {
            for (int i = 0; i < 40; i++) {
                open.add(SseStream.openFrom("127.0.0.30", base(), "api/events"));
                assertEquals(200, open.get(i).status());
            }
            try (SseStream over = SseStream.openFrom("127.0.0.30", base(), "api/events")) {
                assertEquals(503, over.status());
            }
            assertEquals(refused + 1, metric(REFUSED_PER_CLIENT));
        } finally {
            for (SseStream stream : open) {
                stream.close();
            }
        }
    }

    /** The test servers list {@code watched.*} in {@code SSE_METRICS_TOPICS}. */
    @Test
    void onlyTheTopicsTheOperatorListsGetSeriesOfTheirOwn() throws Exception {
        String id = UUID.randomUUID().toString();
        String watched = "watched." + id;
        String other = "unwatched-" + id;
        String published = "sse_hub_topic_events_published_total{topic=\"" + watched + "\"}";
        String delivered = "sse_hub_topic_events_delivered_total{topic=\"" + watched + "\"}";
        try (SseStream both = stream("api/events?topic=" + watched + "&topic=" + other);
                SseStream ticker = stream("api/events?topic=ticker")) {
            both.next(TIMEOUT);
            for (String topic : List.of(watched, other, watched)) {
                assertEquals(201, send(textPublish(topic, "to " + topic)).statusCode());
            }
            for (String topic : List.of(watched, other, watched)) {
                assertEquals("to " + topic, both.nextEvent(TIMEOUT).data());
            }
            await("two events of " + watched + " counted as delivered", TIMEOUT, ticker, () -> metric(delivered) == 2);
            assertEquals(2, metric(published));
            assertEquals(0, metric("sse_hub_topic_events_dropped_total{topic=\"" + watched + "\"}"));
            String body = get("api/metrics").body();
            assertTrue(!body.contains(other), "no series names " + other);
        }
    }

    @Test
    void theJvmAndTheProcessAreMeasuredToo() throws Exception {
        String body = get("api/metrics").body();
        for (String series : List.of("jvm_memory_used_bytes{", "jvm_gc_memory_allocated_bytes_total ", "jvm_threads_live_threads ",
                "jvm_classes_loaded_classes ", "process_cpu_usage ", "process_files_open_files ", "process_uptime_seconds ",
                "sse_hub_queued_frames ", "sse_hub_queued_frames_max ", "sse_hub_oldest_send_seconds ",
                "sse_hub_events_dropped_total ", "# HELP sse_hub_publish_to_write_seconds ")) {
            assertTrue(body.contains(series), series + " in\n" + body);
        }
    }

    /** The shipped Grafana dashboard (server-config/grafana) queries nothing that the hub does not serve. */
    @Test
    void everySeriesTheShippedDashboardQueriesExists() throws Exception {
        Path dashboard = Path.of(System.getProperty("project.basedir"), "server-config/grafana/sse-hub-dashboard.json");
        Set<String> queried = new TreeSet<>();
        try (var reader = Json.createReader(Files.newBufferedReader(dashboard))) {
            for (JsonObject panel : reader.readObject().getJsonArray("panels").getValuesAs(JsonObject.class)) {
                for (JsonObject target : panel.getJsonArray("targets").getValuesAs(JsonObject.class)) {
                    Matcher names = SERIES.matcher(target.getString("expr"));
                    while (names.find()) {
                        queried.add(names.group());
                    }
                }
            }
        }
        assertTrue(queried.size() >= 15, "the dashboard queries " + queried);
        Set<String> served = get("api/metrics").body().lines().filter(line -> !line.startsWith("#"))
                .map(line -> line.split("[{ ]", 2)[0]).collect(Collectors.toCollection(TreeSet::new));
        queried.removeAll(served);
        assertEquals(Set.of(), queried, "queried by the dashboard but not served");
    }
}
