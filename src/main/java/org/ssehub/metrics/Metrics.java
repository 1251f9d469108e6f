package org.ssehub.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.Supplier;
import org.ssehub.events.DisconnectReason;

/** Owns the meter registry that {@code GET /api/metrics} shows. */
@ApplicationScoped
public class Metrics {

    private final Map<DisconnectReason, Counter> disconnects = new EnumMap<>(DisconnectReason.class);
    private PrometheusMeterRegistry registry;
    private Counter published;

    @PostConstruct
    void start() {
        registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        published = Counter.builder("sse_hub_events_published").description("Events accepted for publishing").register(registry);
        for (DisconnectReason reason : DisconnectReason.values()) {
            disconnects.put(reason, Counter.builder("sse_hub_disconnects")
                    .description("Streams ended by the hub or found ended, by reason")
                    .tag("reason", reason.label()).register(registry));
        }
    }

    public void published() {
        published.increment();
    }

    public void disconnected(DisconnectReason reason) {
        disconnects.get(reason).increment();
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
        registry.close();
    }
}
