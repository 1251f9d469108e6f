package org.ssehub.topics;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.ws.rs.ServiceUnavailableException;
import jakarta.ws.rs.sse.SseEventSink;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.logging.Logger;
import org.ssehub.concurrency.Scheduler;
import org.ssehub.config.Settings;
import org.ssehub.events.Subscriber;
import org.ssehub.publish.Publication;
import org.ssehub.wire.Frame;

/**
 * Every topic and its subscribers. It assigns each publication the next id of this node, serialises the event
 * once and hands it to the queue of every subscriber of the topic, in id order, without waiting for a socket.
 * It owns the open streams: on undeploy each gets a jittered {@code retry:} and is closed.
 */
@ApplicationScoped
public class TopicRegistry {

    private static final Logger LOG = Logger.getLogger(TopicRegistry.class.getName());
    private static final Duration MAX_SWEEP = Duration.ofSeconds(1);
    private static final Frame HEARTBEAT = Frame.comment("");

    private final Map<String, Topic> topics = new ConcurrentHashMap<>();
    private long lastId;
    private boolean closed;

    @Inject
    Settings settings;

    @Inject
    Scheduler scheduler;

    @PostConstruct
    void start() {
        Duration halfHeartbeat = settings.heartbeat().dividedBy(2);
        scheduler.every(halfHeartbeat.compareTo(MAX_SWEEP) < 0 ? halfHeartbeat : MAX_SWEEP, this::sendHeartbeats);
    }

    void onPublication(@Observes(during = TransactionPhase.AFTER_SUCCESS) Publication publication) {
        publish(publication.topic(), publication.event(), publication.data());
    }

    /** Publishes {@code data} as event {@code name} on {@code topicName}; answers the id it was given. */
    public synchronized long publish(String topicName, String name, String data) {
        long id = ++lastId;
        Topic topic = topics.computeIfAbsent(topicName, Topic::new);
        topic.lastId = id;
        if (!topic.subscribers.isEmpty()) {
            Frame event = Frame.event(Long.toString(id), name, data);
            topic.subscribers.forEach(subscriber -> subscriber.offer(event));
        }
        return id;
    }

    /**
     * Opens the stream on {@code sink} with a comment and {@code retry:}, then delivers every event of
     * {@code topicNames}. A client that resumes after {@code lastEventId} and missed events gets {@code reset}:
     * this node keeps no history yet, so it says so rather than leave a silent gap.
     */
    public synchronized Subscriber subscribe(SseEventSink sink, Set<String> topicNames, String lastEventId) {
        if (closed) {
            throw new ServiceUnavailableException("sse-hub is shutting down", settings.retryMillis() / 1000 + 1);
        }
        var subscriber = new Subscriber(sink, topicNames, settings.queueSize(), scheduler::execute, this::unsubscribe);
        subscriber.offer(Frame.retry("sse-hub", jittered(settings.retryMillis())));
        if (lastEventId != null) {
            missed(lastEventId, topicNames).ifPresent(reason -> subscriber.offer(Frame.event(Long.toString(lastId), "reset",
                    Json.createObjectBuilder().add("reason", reason).build().toString())));
        }
        topicNames.forEach(name -> topics.computeIfAbsent(name, Topic::new).subscribers.add(subscriber));
        return subscriber;
    }

    /** Why a client that saw {@code lastEventId} cannot be sure it has every event of {@code topicNames}, if it cannot. */
    private Optional<String> missed(String lastEventId, Set<String> topicNames) {
        long seen;
        try {
            seen = Long.parseLong(lastEventId);
        } catch (NumberFormatException e) {
            return Optional.of("unknown Last-Event-ID");
        }
        if (seen < 0 || seen > lastId) {
            return Optional.of("unknown Last-Event-ID");
        }
        boolean missedSome = topicNames.stream().map(topics::get).anyMatch(topic -> topic != null && topic.lastId > seen);
        return missedSome ? Optional.of("events after " + seen + " are not kept") : Optional.empty();
    }

    /** Topics with their subscriber counts and last ids, by name. */
    public List<TopicStats> stats() {
        return topics.values().stream()
                .map(topic -> new TopicStats(topic.name, topic.subscribers.size(), topic.lastId == 0 ? null : Long.toString(topic.lastId)))
                .sorted(Comparator.comparing(TopicStats::topic))
                .toList();
    }

    private synchronized void unsubscribe(Subscriber subscriber) {
        for (String name : subscriber.topics()) {
            Topic topic = topics.get(name);
            if (topic != null) {
                topic.subscribers.remove(subscriber);
                if (topic.subscribers.isEmpty() && topic.lastId == 0) {
                    topics.remove(name);
                }
            }
        }
    }

    private void sendHeartbeats() {
        long idleNanos = settings.heartbeat().toNanos();
        topics.values().forEach(topic -> topic.subscribers.forEach(s -> s.offerIfIdle(HEARTBEAT, idleNanos)));
    }

    /**
     * Ends every stream with a jittered {@code retry:}, so clients do not all come back at once. Only WildFly
     * still lets the app write at this point; Jersey (Payara, Tomcat) has ended the requests already, which is
     * why the {@code retry:} at the start of each stream is jittered too.
     */
    @PreDestroy
    void closeStreams() {
        synchronized (this) {
            closed = true;
        }
        long retry = settings.retryMillis();
        List<Subscriber> open = topics.values().stream().flatMap(topic -> topic.subscribers.stream()).distinct().toList();
        open.forEach(subscriber -> subscriber.close(Frame.retry("shutdown", jittered(retry))));
        LOG.info(() -> "sse-hub closed " + open.size() + " streams");
    }

    /** Between one and two times {@code millis}. */
    private static long jittered(long millis) {
        return millis + ThreadLocalRandom.current().nextLong(millis + 1);
    }

    private static final class Topic {
        final String name;
        final Set<Subscriber> subscribers = ConcurrentHashMap.newKeySet();
        volatile long lastId;

        Topic(String name) {
            this.name = name;
        }
    }
}
