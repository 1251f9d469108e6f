package org.ssehub.ticker;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.json.Json;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import org.ssehub.concurrency.Scheduler;
import org.ssehub.config.Settings;
import org.ssehub.publish.Publication;

/**
 * Publishes the time on the {@code ticker} topic every {@code SSE_TICKER_MILLIS}, like the original Go example. In a
 * cluster every node ticks, and the first tick of each period on the wall clock is published.
 */
@ApplicationScoped
public class Ticker {

    public static final String TOPIC = "ticker";
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

    @Inject
    Scheduler scheduler;

    @Inject
    Settings settings;

    @Inject
    Event<Publication> publications;

    void start(@Observes @Initialized(ApplicationScoped.class) Object deployed) {
        scheduler.every(settings.tickerPeriod(), this::tick);
    }

    void tick() {
        String message = Json.createObjectBuilder().add("message", LocalTime.now().format(TIME)).build().toString();
        long period = settings.tickerPeriod().toMillis();
        publications.fire(new Publication(TOPIC, TOPIC, message, TOPIC + ":" + System.currentTimeMillis() / period));
    }
}
