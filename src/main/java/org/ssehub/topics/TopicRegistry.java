package org.ssehub.topics;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;
import jakarta.ws.rs.sse.SseEventSink;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
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

    @Inject
    Settings settings;

    @Inject
    Scheduler scheduler;

    @PostConstruct
    void start() {
        Duration heartbeatEvery = settings.heartbeat();
        Duration sweep = heartbeatEvery.dividedBy(2).compareTo(MAX_SWEEP) < 0 ? heartbeatEvery.dividedBy(2) : MAX_SWEEP;
        scheduler.every(sweep, this::sendHeartbeats);
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

    /** Opens the stream on {@code sink} with {@code retry:} and a comment, then delivers every event of {@code topicNames}. */
    public synchronized Subscriber subscribe(SseEventSink sink, Set<String> topicNames) {
        var subscriber = new Subscriber(sink, topicNames, settings.queueSize(), scheduler::execute, this::unsubscribe);
        subscriber.offer(Frame.retry("sse-hub", jittered(settings.retryMillis())));
        topicNames.forEach(name -> topics.computeIfAbsent(name, Topic::new).subscribers.add(subscriber));
        return subscriber;
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
