package org.ssehub.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.ssehub.config.Settings;
import org.ssehub.events.DisconnectReason;
import org.ssehub.events.Subscriber;
import org.ssehub.topics.TopicNames;
import org.ssehub.wire.Frame;

/**
 * Owns the meter registry that {@code GET /api/metrics} shows, with the JVM's and the process's figures; closed on
 * undeploy, so that no listener of the JVM keeps the application's classes.
 */
@ApplicationScoped
public class Metrics implements Subscriber.Meter {

    /** Why a stream was refused before it opened, as the {@code reason} label. */
    public static final List<String> REFUSALS = List.of("rate_limited", "max_connections", "max_connections_per_client",
            "max_topics", "shutting_down", "store_unavailable", "unauthorized", "forbidden");

    /** The most topics that get series of their own, whatever {@code SSE_METRICS_TOPICS} matches. */
    static final int MAX_WATCHED_TOPICS = 1000;
    private static final Logger LOG = Logger.getLogger(Metrics.class.getName());

    private final Map<DisconnectReason, Counter> disconnects = new EnumMap<>(DisconnectReason.class);
    private final Map<String, TopicMeter> watched = new ConcurrentHashMap<>();
    private final Map<String, Counter> refusals = new HashMap<>();
    private final AtomicBoolean warnedFull = new AtomicBoolean();
    private PrometheusMeterRegistry registry;
    private JvmGcMetrics gc;
    private Counter published;
    private Counter opened;
    private Counter delivered;
    private Counter dropped;
    private Counter replayed;
    private Counter resets;
    private Timer publishToWrite;

    @Inject
    Settings settings;

    @PostConstruct
    void start() {
        registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        published = Counter.builder("sse_hub_events_published").description("Events accepted for publishing").register(registry);
        opened = Counter.builder("sse_hub_streams_opened").description("Event streams accepted").register(registry);
        for (DisconnectReason reason : DisconnectReason.values()) {
            disconnects.put(reason, Counter.builder("sse_hub_disconnects")
                    .description("Streams ended by the hub or found ended, by reason")
                    .tag("reason", reason.label()).register(registry));
        }
        for (String reason : REFUSALS) {
            refusals.put(reason, Counter.builder("sse_hub_streams_refused")
                    .description("Requests for a stream refused before it opened (401, 403, 429 or 503), by reason")
                    .tag("reason", reason).register(registry));
        }
        delivered = Counter.builder("sse_hub_events_delivered")
                .description("Events handed to streams, one per event and stream (live, replayed and reset events)").register(registry);
        dropped = Counter.builder("sse_hub_events_dropped")
                .description("Events queued for a stream that ended before they were written (a full queue, a client gone)")
                .register(registry);
        replayed = Counter.builder("sse_hub_events_replayed")
                .description("Events sent from history to streams that resumed with Last-Event-ID").register(registry);
        resets = Counter.builder("sse_hub_resets")
                .description("reset events sent: a resuming stream's gap was no longer in history, or the cluster lost events")
                .register(registry);
        publishToWrite = Timer.builder("sse_hub_publish_to_write")
                .description("From the hub taking an event in (a publish here, or reading it from Redis) to handing it to a "
                        + "live stream; one sample per send, for its first event")
                .serviceLevelObjectives(Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(50),
                        Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
                        Duration.ofSeconds(5))
                .register(registry);
        new JvmMemoryMetrics().bindTo(registry);
        gc = new JvmGcMetrics();
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
    }

    public void published() {
        published.increment();
    }

    public void opened() {
        opened.increment();
    }

    /** A stream refused for {@code reason}, one of {@link #REFUSALS}. */
    public void refused(String reason) {
        refusals.get(reason).increment();
    }

    public void disconnected(DisconnectReason reason) {
        disconnects.get(reason).increment();
    }

    public void replayed() {
        replayed.increment();
    }

    public void reset() {
        resets.increment();
    }

    @Override
    public void written(int events, long liveNanos) {
        delivered.increment(events);
        if (liveNanos >= 0) {
            publishToWrite.record(liveNanos, TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public void dropped(int events) {
        dropped.increment(events);
    }

    /**
     * The series of {@code topic} if {@code SSE_METRICS_TOPICS} lists it, or null: topic names are user input and may be
     * private, so no topic becomes a label unless the operator says so.
     */
    public TopicMeter watch(String topic) {
        if (settings.metricsTopics().stream().noneMatch(pattern -> TopicNames.matches(pattern, topic))) {
            return null;
        }
        TopicMeter meter = watched.get(topic);
        if (meter != null || watched.size() >= MAX_WATCHED_TOPICS) {
            if (meter == null) {
                LOG.log(warnedFull.compareAndSet(false, true) ? Level.INFO : Level.FINE, () -> "sse-hub: SSE_METRICS_TOPICS matches more than "
                        + MAX_WATCHED_TOPICS + " topics; " + topic + " and others get no series of their own");
            }
            return meter;
        }
        return watched.computeIfAbsent(topic, TopicMeter::new);
    }

    /** The published, delivered and dropped events of one topic that {@code SSE_METRICS_TOPICS} lists. */
    public final class TopicMeter implements Frame.Tally {
        private final Counter published;
        private final Counter delivered;
        private final Counter dropped;

        private TopicMeter(String topic) {
            published = Counter.builder("sse_hub_topic_events_published").description("Events accepted for publishing, per topic "
                    + "that SSE_METRICS_TOPICS lists").tag("topic", topic).register(registry);
            delivered = Counter.builder("sse_hub_topic_events_delivered").description("Events handed to streams, per topic "
                    + "that SSE_METRICS_TOPICS lists").tag("topic", topic).register(registry);
            dropped = Counter.builder("sse_hub_topic_events_dropped").description("Events queued for a stream that ended before "
                    + "they were written, per topic that SSE_METRICS_TOPICS lists").tag("topic", topic).register(registry);
        }

        public void published() {
            published.increment();
        }

        @Override
        public void written(int events) {
            delivered.increment(events);
        }

        @Override
        public void dropped(int events) {
            dropped.increment(events);
        }
    }

    /** Registers a gauge read from {@code value} at each scrape. */
    public void gauge(String name, String description, Supplier<Number> value) {
        Gauge.builder(name, value).description(description).register(registry);
    }

    public String scrape() {
        return registry.scrape();
    }

    @PreDestroy
    void close() {
        gc.close();
        registry.close();
    }
}
