package org.ssehub.topics;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.BeforeDestroyed;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.Reception;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.ws.rs.ServiceUnavailableException;
import jakarta.ws.rs.sse.SseEventSink;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.ssehub.concurrency.Scheduler;
import org.ssehub.config.Settings;
import org.ssehub.events.DisconnectReason;
import org.ssehub.events.Subscriber;
import org.ssehub.metrics.Metrics;
import org.ssehub.publish.Publication;
import org.ssehub.store.EventStore;
import org.ssehub.store.InMemoryStore;
import org.ssehub.store.RedisStore;
import org.ssehub.store.StoreUnavailableException;
import org.ssehub.store.StoredEvent;
import org.ssehub.wire.Frame;

/**
 * Every topic and its subscribers. It assigns each publication the next id of this node, serialises the event once,
 * appends it to the {@link EventStore} and broadcasts it on the topic's {@link TopicBroadcaster}, in id order. Frames that
 * belong to one stream (its opening, replay, {@code reset}, heartbeats, the farewell) go to that stream alone. It owns
 * the open streams and the broadcasters, and forgets a topic that nobody reads and that keeps no
 * events, past {@code SSE_MAX_TOPICS} refusing new ones: on undeploy each stream gets a jittered {@code retry:} and is closed.
 */
@ApplicationScoped
public class TopicRegistry {

    private static final Logger LOG = Logger.getLogger(TopicRegistry.class.getName());
    private static final Duration MAX_SWEEP = Duration.ofSeconds(1);
    private static final Duration MIN_SWEEP = Duration.ofMillis(50);
    private static final Frame HEARTBEAT = Frame.comment("heartbeat");
    /** The end of a stream whose credential expired: the client should get a fresh one rather than retry. */
    private static final Frame EXPIRED = Frame.withoutId("expired",
            "{\"reason\":\"the subscriber token expired: resume with a fresh one and Last-Event-ID\"}");
    private static final Duration FAREWELL_WAIT = Duration.ofSeconds(5);
    /** The longest a new stream waits for its response to be committed before the first send. */
    private static final Duration HAND_OVER = Duration.ofMillis(200);
    private static final Duration HAND_OVER_POLL = Duration.ofMillis(5);
    /** The most events a replay queues at a time. */
    private static final int REPLAY_PAGE = 256;

    private final Map<String, Topic> topics = new ConcurrentHashMap<>();
    /** Counts additions and removals of topics, each after the map has it: see {@link Node#topics()}. */
    private final AtomicLong topicsChanged = new AtomicLong();
    private final Set<Subscriber> subscribers = ConcurrentHashMap.newKeySet();
    /** Ids continue from the clock at start, so an id from before a restart is recognised as unknown. */
    private final long firstId = System.currentTimeMillis() * 1000;
    /** The newest id delivered here; written under this object's lock. */
    private volatile long lastId = firstId;
    private volatile boolean closed;
    private int connections;
    private final Map<String, Integer> perClient = new HashMap<>();

    @Inject
    Settings settings;

    @Inject
    Scheduler scheduler;

    @Inject
    Metrics metrics;

    private Executor writers;
    private EventStore store;
    /** The store of one node, or null in a cluster. */
    private InMemoryStore memory;
    /** The store of a cluster ({@code SSE_REDIS_URL}), or null. */
    private RedisStore cluster;

    @PostConstruct
    void start() {
        writers = scheduler::write;
        if (settings.redisUrl() == null) {
            memory = new InMemoryStore(settings.historySize(), settings.historyAge().toNanos(), settings.historyMaxBytes());
            store = memory;
        } else {
            lastId = 0;
            cluster = new RedisStore(settings.redisUrl(), settings.redisTimeout(), settings.historySize(),
                    settings.historyAge(), scheduler.threads(), new Node());
            store = cluster;
            synchronized (this) {
                lastId = Math.max(lastId, cluster.lastId());
            }
        }
        scheduler.every(clamp(settings.heartbeat().dividedBy(2)), this::sweep);
        scheduler.every(clamp(settings.writeTimeout().dividedBy(10)), this::checkWriteDeadlines);
        metrics.gauge("sse_hub_connections", "Open event streams", subscribers::size);
        metrics.gauge("sse_hub_queued_frames", "Frames waiting in the queues of all streams", () -> {
            long sum = 0;
            for (Subscriber subscriber : subscribers) {
                sum += subscriber.queued();
            }
            return sum;
        });
        metrics.gauge("sse_hub_queued_frames_max", "Frames waiting in the fullest queue of one stream (SSE_QUEUE_SIZE at most)",
                () -> subscribers.stream().mapToInt(Subscriber::queued).max().orElse(0));
        metrics.gauge("sse_hub_oldest_send_seconds", "How long the oldest send still in flight to a stream has taken "
                + "(a stream past SSE_WRITE_TIMEOUT_MILLIS is ended)", () -> {
            long now = System.nanoTime();
            return subscribers.stream().mapToLong(subscriber -> subscriber.sendingForNanos(now)).max().orElse(0) / 1e9;
        });
        metrics.gauge("sse_hub_writer_threads", "Threads that write to streams", scheduler::writerThreads);
    }

    /** Starts with the deployment rather than at the first request or tick, so the first scrape has every gauge. */
    void startWithTheDeployment(@Observes @Initialized(ApplicationScoped.class) Object deployed) {
    }

    private static Duration clamp(Duration period) {
        return period.compareTo(MIN_SWEEP) < 0 ? MIN_SWEEP : period.compareTo(MAX_SWEEP) > 0 ? MAX_SWEEP : period;
    }

    /**
     * A publication of the app itself (the ticker, a committed transaction); dropped once undeploying has begun. Its
     * topic is the app's choice, so {@code SSE_MAX_TOPICS} does not refuse it. In a cluster it is dropped while Redis
     * is away, with a warning unless every node makes it (a {@code once} key, as the ticker's).
     */
    void onPublication(@Observes(during = TransactionPhase.AFTER_SUCCESS) Publication publication) {
        Frame.Unnumbered event = Frame.event(publication.event(), publication.data());
        if (cluster != null) {
            if (closed) {
                return;
            }
            try {
                if (!cluster.available()) {
                    throw new StoreUnavailableException("Redis is unavailable", null);
                }
                cluster.append(publication.topic(), event, publication.once()).ifPresent(appended -> published(appended.topic()));
            } catch (StoreUnavailableException e) {
                if (publication.once() == null) {
                    LOG.warning(() -> "SSEHUB-0201: a publication of the app on " + publication.topic() + " was lost: " + e.getMessage());
                }
            }
            return;
        }
        synchronized (this) {
            if (!closed) {
                append(topic(publication.topic()), event);
            }
        }
    }

    /**
     * Publishes {@code event} on {@code topicName}; answers the id it was given. A new topic past
     * {@code SSE_MAX_TOPICS} is refused. In a cluster the event is accepted once Redis has it, and every node,
     * this one too, delivers it as it reads it from there.
     */
    public long publish(String topicName, Frame.Unnumbered event) {
        if (cluster == null) {
            return publishHere(topicName, event);
        }
        if (closed) {
            throw shuttingDown();
        }
        try {
            long id = cluster.append(topicName, event).id();
            published(topicName);
            return id;
        } catch (StoreUnavailableException e) {
            throw new ServiceUnavailableException("the cluster's store (Redis) is unavailable", retryAfterSeconds());
        }
    }

    private synchronized long publishHere(String topicName, Frame.Unnumbered event) {
        if (closed) {
            throw shuttingDown();
        }
        requireRoomFor(topics.containsKey(topicName) ? 0 : 1);
        return append(topic(topicName), event);
    }

    private ServiceUnavailableException shuttingDown() {
        return new ServiceUnavailableException("sse-hub is shutting down", retryAfterSeconds());
    }

    private long append(Topic topic, Frame.Unnumbered unnumbered) {
        long id = ++lastId;
        Frame event = topic.tallied(unnumbered.withId(id));
        topic.lastId = id;
        memory.append(new StoredEvent(id, topic.name, event, System.nanoTime()));
        topic.broadcaster.broadcast(event);
        metrics.published();
        if (topic.meter != null) {
            topic.meter.published();
        }
        return id;
    }

    /** Counts an event this node published to the cluster. */
    private void published(String topicName) {
        metrics.published();
        Metrics.TopicMeter meter = metrics.watch(topicName);
        if (meter != null) {
            meter.published();
        }
    }

    /** What the cluster's store hands this node: the events of its topics, in id order, as Redis has them. */
    private final class Node implements RedisStore.Node {

        /** The last copy of the topics' names, and the {@link #topicsChanged} count it was taken at. */
        private volatile Set<String> names = Set.of();
        private volatile long namesAt = -1;

        @Override
        public Set<String> topics() {
            long changed = topicsChanged.get();
            if (changed != namesAt) {
                names = Set.copyOf(topics.keySet());
                namesAt = changed;
            }
            return names;
        }

        @Override
        public boolean deliver(Set<String> read, List<StoredEvent> events, long upTo, Set<String> reset) {
            synchronized (TopicRegistry.this) {
                if (closed) {
                    return true;
                }
                if (!(read == names && namesAt == topicsChanged.get()) && !read.containsAll(topics.keySet())) {
                    return false;
                }
                if (reset == null) {
                    lastId = upTo;
                }
                if (reset == null || !reset.isEmpty()) {
                    Frame missed = reset("events were lost in the cluster's store");
                    for (Subscriber subscriber : subscribers) {
                        if (reset == null || subscriber.topics().stream().anyMatch(reset::contains)) {
                            try {
                                subscriber.send(missed);
                                metrics.reset();
                            } catch (IllegalStateException ended) {
                                // it has ended meanwhile
                            }
                        }
                    }
                }
                for (StoredEvent event : events) {
                    Topic topic = topics.get(event.topic());
                    if (topic != null) {
                        topic.lastId = event.id();
                        topic.broadcaster.broadcast(topic.tallied(event.frame()));
                    }
                }
                lastId = Math.max(lastId, upTo);
                return true;
            }
        }
    }

    /** Refuses, with 503, what would bring more than {@code SSE_MAX_TOPICS} topics to life at once. */
    private void requireRoomFor(long newTopics) {
        if (newTopics > 0 && topics.size() + newTopics > settings.maxTopics()) {
            throw new ServiceUnavailableException("SSE_MAX_TOPICS (" + settings.maxTopics() + ") topics are in use",
                    retryAfterSeconds());
        }
    }

    /**
     * Opens the stream of {@code sink} with a comment and {@code retry:}, replays what {@code topicNames} published
     * after {@code lastEventId} and then delivers every new event, with nothing missed or sent twice in between (see
     * {@link Replay}). An id that is malformed, unknown or older than what the store keeps gets {@code event: reset}
     * instead, carrying the id to resume from. A refused stream
     * is refused before anything is sent to its sink; an accepted one is sent to once the runtime has answered the
     * request (see {@link Subscriber#handOver()}). A stream whose credential stops being accepted at {@code expires}
     * (null: a public stream) is ended then with {@code event: expired}.
     */
    public void subscribe(SseEventSink sink, Set<String> topicNames, String lastEventId, String client, Instant expires,
            BooleanSupplier committed) {
        long newest = 0;
        if (cluster != null && (lastEventId != null || cluster.epoch() == 0)) {
            try {
                newest = cluster.newestId();
            } catch (StoreUnavailableException e) {
                metrics.refused("store_unavailable");
                throw new ServiceUnavailableException("the cluster's store (Redis) is unavailable", retryAfterSeconds());
            }
        }
        handOverOnceCommitted(register(sink, topicNames, lastEventId, client, expires, newest), committed,
                System.nanoTime() + HAND_OVER.toNanos());
    }

    /**
     * Starts sending to {@code subscriber} once its response is committed (Jersey commits it as the resource method
     * returns), or at {@code deadlineNanos} (RESTEasy commits it only at the first send).
     */
    private void handOverOnceCommitted(Subscriber subscriber, BooleanSupplier committed, long deadlineNanos) {
        if (committed.getAsBoolean() || System.nanoTime() >= deadlineNanos) {
            subscriber.handOver();
        } else {
            scheduler.later(HAND_OVER_POLL, () -> handOverOnceCommitted(subscriber, committed, deadlineNanos));
        }
    }

    private synchronized Subscriber register(SseEventSink sink, Set<String> topicNames, String lastEventId, String client,
            Instant expires, long newestInCluster) {
        if (closed) {
            metrics.refused("shutting_down");
            throw shuttingDown();
        }
        if (connections >= settings.maxConnections()) {
            metrics.refused("max_connections");
            throw new ServiceUnavailableException("SSE_MAX_CONNECTIONS (" + settings.maxConnections() + ") streams are open",
                    retryAfterSeconds());
        }
        if (perClient.getOrDefault(client, 0) >= settings.maxConnectionsPerClient()) {
            metrics.refused("max_connections_per_client");
            throw new ServiceUnavailableException("SSE_MAX_CONNECTIONS_PER_CLIENT (" + settings.maxConnectionsPerClient()
                    + ") streams are open from this address", retryAfterSeconds());
        }
        try {
            requireRoomFor(topicNames.stream().filter(name -> !topics.containsKey(name)).count());
        } catch (ServiceUnavailableException full) {
            metrics.refused("max_topics");
            throw full;
        }
        var subscriber = new Subscriber(sink, client, topicNames, settings.queueSize(), writers, this::unsubscribe, metrics);
        long lifetime = settings.maxStreamLifetime().toNanos();
        subscriber.endAt(System.nanoTime() + lifetime - ThreadLocalRandom.current().nextLong(lifetime / 4 + 1));
        if (expires != null) {
            subscriber.expireAt(System.nanoTime() + Duration.between(Instant.now(), expires).toNanos());
        }
        connections++;
        metrics.opened();
        LOG.fine(() -> "sse-hub: a stream from " + client + " of " + topicNames + " opened");
        subscribers.add(subscriber);
        perClient.merge(client, 1, Integer::sum);
        subscriber.send(Frame.retry("sse-hub", jittered(settings.retryMillis())));
        if (lastEventId != null) {
            resume(subscriber, lastEventId, topicNames, newestInCluster);
        }
        topicNames.forEach(name -> topic(name).broadcaster.register(subscriber));
        return subscriber;
    }

    /**
     * Replays what {@code topicNames} published after {@code lastEventId}, or sends a {@code reset} if it is unknown.
     * In a cluster, an id that another node delivered before this one has read it is known, and live events up to it
     * are skipped.
     */
    private void resume(Subscriber subscriber, String lastEventId, Set<String> topicNames, long newestInCluster) {
        long seen;
        try {
            seen = Long.parseLong(lastEventId);
        } catch (NumberFormatException e) {
            subscriber.send(reset("unknown Last-Event-ID"));
            metrics.reset();
            return;
        }
        long first = cluster == null ? firstId : cluster.epoch() - 1;
        long newest = cluster == null ? lastId : Math.max(lastId, newestInCluster);
        if (seen < first || seen > newest) {
            subscriber.send(reset("unknown Last-Event-ID"));
            metrics.reset();
        } else if (seen > lastId) {
            subscriber.skipUpTo(seen);
        } else if (seen < lastId) {
            subscriber.replay(new Replay(topicNames, seen));
        }
    }

    /**
     * A resuming stream's way from the store to live events. Pages are read from the store without the lock that
     * publishing takes. Once a read comes back short, the rest is read under that lock and the stream goes live in the
     * same breath, so no event published meanwhile is missed or sent twice: live events broadcast before then were
     * dropped by the stream, and the store has them.
     */
    private final class Replay implements Subscriber.Backlog {

        private final Set<String> topics;
        private long after;

        Replay(Set<String> topics, long after) {
            this.topics = topics;
            this.after = after;
        }

        @Override
        public void refill(Subscriber subscriber) {
            int page = Math.max(1, Math.min(REPLAY_PAGE, subscriber.room() - 1));
            Optional<List<StoredEvent>> read = store.read(topics, after, lastId, page);
            if (read.isPresent() && read.get().size() == page) {
                queue(subscriber, read.get());
                return;
            }
            synchronized (TopicRegistry.this) {
                read = store.read(topics, after, lastId, page);
                if (read.isEmpty()) {
                    subscriber.replayed(reset("events after " + after + " are no longer kept"));
                    metrics.reset();
                    subscriber.live();
                    return;
                }
                if (queue(subscriber, read.get()) && read.get().size() < page) {
                    subscriber.live();
                }
            }
        }

        private boolean queue(Subscriber subscriber, List<StoredEvent> events) {
            for (StoredEvent event : events) {
                Topic topic = TopicRegistry.this.topics.get(event.topic());
                if (!subscriber.replayed(topic == null ? event.frame() : topic.tallied(event.frame()))) {
                    return false;
                }
                metrics.replayed();
                after = event.id();
            }
            return true;
        }
    }

    private Frame reset(String reason) {
        return Frame.event(Long.toString(lastId), "reset", Json.createObjectBuilder().add("reason", reason).build().toString());
    }

    /**
     * Whether this node should get new streams: it is not shutting down ({@code streams}), it is below
     * {@code SSE_MAX_CONNECTIONS} ({@code capacity}), and its cluster's store is available ({@code redis}).
     */
    public Map<String, Boolean> readiness() {
        Map<String, Boolean> checks = new TreeMap<>();
        checks.put("streams", !closed);
        checks.put("capacity", subscribers.size() < settings.maxConnections());
        if (cluster != null) {
            checks.put("redis", cluster.available());
        }
        return checks;
    }

    private Topic topic(String name) {
        Topic topic = topics.get(name);
        if (topic == null) {
            topic = topics.computeIfAbsent(name, this::newTopic);
            topicsChanged.incrementAndGet();
        }
        return topic;
    }

    private Topic newTopic(String name) {
        var topic = new Topic(name, new TopicBroadcaster(writers), metrics.watch(name));
        topic.broadcaster.onClose(subscriber -> forgetIfUnused(topic));
        return topic;
    }

    /** Forgets a topic that nobody reads and that has no kept events, and closes its broadcaster. */
    private synchronized void forgetIfUnused(Topic topic) {
        if (topic.broadcaster.size() == 0 && !store.holds(topic.name) && topics.remove(topic.name, topic)) {
            topicsChanged.incrementAndGet();
            topic.broadcaster.close();
        }
    }

    /** Up to {@code limit} topics named after {@code after}, with their subscriber counts and last ids, by name. */
    public List<TopicStats> stats(String after, int limit, Predicate<String> visible) {
        return topics.values().stream()
                .filter(topic -> topic.name.compareTo(after) > 0 && visible.test(topic.name))
                .sorted(Comparator.comparing(topic -> topic.name))
                .limit(limit)
                .map(topic -> new TopicStats(topic.name, topic.broadcaster.size(), topic.lastId == 0 ? null : Long.toString(topic.lastId)))
                .toList();
    }

    /** Counts a stream that ended, once, and gives its connection slot back; its topics learn it from the stream. */
    private synchronized void unsubscribe(Subscriber subscriber, DisconnectReason reason) {
        metrics.disconnected(reason);
        Level level = reason == DisconnectReason.QUEUE_FULL || reason == DisconnectReason.WRITE_TIMEOUT ? Level.INFO : Level.FINE;
        LOG.log(level, () -> "sse-hub: a stream from " + subscriber.client() + " of " + subscriber.topics() + " ended: "
                + reason.label());
        subscribers.remove(subscriber);
        connections--;
        perClient.computeIfPresent(subscriber.client(), (address, count) -> count == 1 ? null : count - 1);
    }

    /**
     * Sends heartbeats on idle streams, ends streams that have lived their {@code SSE_MAX_STREAM_SECONDS} (jittered
     * down by up to a quarter, so streams opened together do not all come back together) with a {@code retry:}, ends
     * streams whose credential expired with {@code event: expired}, and drops history that has grown too old.
     */
    private void sweep() {
        long idleNanos = settings.heartbeat().toNanos();
        long now = System.nanoTime();
        Subscriber.sendAll(subscribers.stream().filter(s -> s.idle(now, idleNanos)).toList(), HEARTBEAT, writers);
        subscribers.stream().filter(s -> s.expired(now)).forEach(s -> s.closeWith(EXPIRED, DisconnectReason.EXPIRED));
        subscribers.stream().filter(s -> s.outlived(now))
                .forEach(s -> s.closeWith(Frame.retry("lifetime", jittered(settings.retryMillis())), DisconnectReason.LIFETIME));
        trimHistories();
    }

    /** Disconnects every subscriber whose write in progress has passed the write deadline. */
    private void checkWriteDeadlines() {
        long now = System.nanoTime();
        long deadline = settings.writeTimeout().toNanos();
        subscribers.forEach(subscriber -> subscriber.checkWriteDeadline(now, deadline));
    }

    private synchronized void trimHistories() {
        long now = System.nanoTime();
        store.trim(now);
        topics.values().forEach(this::forgetIfUnused);
    }

    /** The last moment CDI offers: for runtimes that did not call {@link #closeStreams()} before. */
    void closeStreamsOnUndeploy(
            @Observes(notifyObserver = Reception.IF_EXISTS) @BeforeDestroyed(ApplicationScoped.class) Object undeploying) {
        closeStreams();
    }

    /**
     * Ends every stream with a jittered {@code retry:}, so clients do not all come back at once, then closes the
     * broadcasters; once only. It runs while the JAX-RS runtime can still send (the application's
     * {@code @PreDestroy}: Jersey shuts its sinks down before any CDI callback), and while the {@link Scheduler}'s
     * writer threads still send; it waits for them at most {@link #FAREWELL_WAIT}, as a client that stopped reading
     * may never take its farewell.
     */
    public void closeStreams() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        long retry = settings.retryMillis();
        List<Subscriber> open = List.copyOf(subscribers);
        CompletableFuture<?>[] farewells = open.stream()
                .map(subscriber -> subscriber.closeWith(Frame.retry("shutdown", jittered(retry))))
                .toArray(CompletableFuture[]::new);
        try {
            CompletableFuture.allOf(farewells).get(FAREWELL_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException stalled) {
            LOG.info(() -> "sse-hub: some streams did not take their farewell within " + FAREWELL_WAIT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        topics.values().forEach(topic -> topic.broadcaster.close());
        if (cluster != null) {
            cluster.close();
        }
        LOG.info(() -> "sse-hub closed " + open.size() + " streams");
    }

    /** Seconds until a refused client should try again: jittered, so refused clients do not return together. */
    private long retryAfterSeconds() {
        return Math.max(1, jittered(settings.retryMillis()) / 1000);
    }

    /** Between one and two times {@code millis}. */
    private static long jittered(long millis) {
        return millis + ThreadLocalRandom.current().nextLong(millis + 1);
    }

    private static final class Topic {
        final String name;
        final TopicBroadcaster broadcaster;
        /** Its own series, if {@code SSE_METRICS_TOPICS} lists it, or null. */
        final Metrics.TopicMeter meter;
        volatile long lastId;

        Topic(String name, TopicBroadcaster broadcaster, Metrics.TopicMeter meter) {
            this.name = name;
            this.broadcaster = broadcaster;
            this.meter = meter;
        }

        Frame tallied(Frame event) {
            return meter == null ? event : event.tallied(meter);
        }
    }
}
