package org.ssehub.store;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import org.ssehub.wire.Frame;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPool;
import redis.clients.jedis.RedisProtocol;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.XReadParams;
import redis.clients.jedis.resps.StreamEntry;
import redis.clients.jedis.util.JedisURIHelper;

/**
 * The events of every node of a cluster, in Redis: a stream per topic ({@code sse-hub:t:NAME}), each entry's stream id
 * the hub's id. One Lua call per publish takes the next id and appends the event, so a publish is accepted only once
 * Redis has it, and ids are ordered across all topics and nodes. Ids are the larger of the last id plus one and
 * Redis's clock in microseconds, so they never go backwards, also when Redis loses its data; the first id of a data
 * set (the epoch) tells a node that it did. Each stream keeps at most {@code SSE_HISTORY_SIZE} events, none older
 * than {@code SSE_HISTORY_SECONDS} (whole streams expire), and remembers the newest id it dropped, so a reader from
 * before it is told that events are missing.
 *
 * <p>One thread of this store reads the streams of the topics that this node's subscribers use, from one position for
 * all of them, and hands the {@link Node} each batch in id order: whatever this node delivered, it delivered every
 * event up to that position of every topic it reads. It owns its pool of connections and that thread: {@link #close()}.
 */
public final class RedisStore implements EventStore, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(RedisStore.class.getName());
    private static final String PREFIX = "sse-hub:";
    private static final String COUNTER = PREFIX + "id";
    private static final String EPOCH = PREFIX + "epoch";
    /** The most entries one read takes from a stream. */
    private static final int PAGE = 512;
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

    /**
     * KEYS: counter, epoch, stream, its marker of the newest dropped id, and a key claimed once or "". ARGV: the
     * frame's two parts, the count bound, the age bound in microseconds. Answers the id, or false if the key was
     * claimed before.
     */
    private static final String APPEND = """
            if KEYS[5] ~= '' and not redis.call('SET', KEYS[5], '1', 'NX', 'PX', 60000) then return false end
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
            local id = math.max(tonumber(redis.call('GET', KEYS[1]) or '0') + 1, now)
            local sid = string.format('%.0f', id)
            redis.call('SET', KEYS[1], sid)
            redis.call('SET', KEYS[2], sid, 'NX')
            local maxlen = tonumber(ARGV[3])
            local dropped = nil
            local len = redis.call('XLEN', KEYS[3])
            if len >= maxlen then
              local old = redis.call('XRANGE', KEYS[3], '-', '+', 'COUNT', len - maxlen + 1)
              dropped = old[#old][1]
            end
            redis.call('XADD', KEYS[3], 'MAXLEN', maxlen, sid .. '-0', 'h', ARGV[1], 'd', ARGV[2])
            local minid = string.format('%.0f', now - tonumber(ARGV[4])) .. '-0'
            local aged = redis.call('XREVRANGE', KEYS[3], '(' .. minid, '-', 'COUNT', 1)
            if #aged > 0 then
              dropped = aged[1][1]
              redis.call('XTRIM', KEYS[3], 'MINID', minid)
            end
            local ttl = math.floor(tonumber(ARGV[4]) / 1000) + 60000
            if dropped then
              local was = tonumber(redis.call('GET', KEYS[4]) or '0')
              local d = tonumber(string.match(dropped, '^(%d+)'))
              redis.call('SET', KEYS[4], string.format('%.0f', math.max(was, d)))
            end
            redis.call('PEXPIRE', KEYS[3], ttl)
            if redis.call('EXISTS', KEYS[4]) == 1 then redis.call('PEXPIRE', KEYS[4], ttl) end
            return sid
            """;

    /**
     * KEYS: the streams, then their markers. ARGV: after, up to, count, age bound in microseconds. Answers 0 if an
     * event after {@code after} may no longer be kept (one was dropped after it, or it is older than the age bound,
     * past which whole streams expire with their markers), else each stream's entries after it, up to the bound.
     */
    private static final String READ = """
            local n = #KEYS / 2
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
            local after = tonumber(ARGV[1])
            if after < now - tonumber(ARGV[4]) then return 0 end
            for i = 1, n do
              if tonumber(redis.call('GET', KEYS[n + i]) or '0') > after then return 0 end
            end
            local out = {}
            for i = 1, n do
              out[i] = redis.call('XRANGE', KEYS[i], '(' .. ARGV[1] .. '-0', ARGV[2] .. '-0', 'COUNT', ARGV[3])
            end
            return out
            """;

    /**
     * KEYS: the counter, the epoch, then the streams read. ARGV: the position. Answers the epoch ("" if none) and the
     * newest id if no stream has an entry after the position, else "": a reader with nothing new may move its
     * position to the newest id.
     */
    private static final String ADVANCE = """
            local epoch = redis.call('GET', KEYS[2]) or ''
            for i = 3, #KEYS do
              if #redis.call('XRANGE', KEYS[i], '(' .. ARGV[1] .. '-0', '+', 'COUNT', 1) > 0 then return {epoch, ''} end
            end
            return {epoch, redis.call('GET', KEYS[1]) or ARGV[1]}
            """;

    /**
     * KEYS: markers of the newest dropped id. ARGV: a position, the age bound in microseconds. Answers, for each, 1 if
     * a reader at that position may have missed a dropped event (one dropped after it, or it is older than the age
     * bound), else 0.
     */
    private static final String DROPPED = """
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
            local after = tonumber(ARGV[1])
            local old = after < now - tonumber(ARGV[2])
            local out = {}
            for i = 1, #KEYS do
              out[i] = (old or tonumber(redis.call('GET', KEYS[i]) or '0') > after) and 1 or 0
            end
            return out
            """;

    /** Makes sure the data set has an epoch: answers it and the newest id. */
    private static final String EPOCH_OF = """
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
            local last = tonumber(redis.call('GET', KEYS[1]) or '0')
            redis.call('SET', KEYS[2], string.format('%.0f', math.max(last + 1, now)), 'NX')
            return {redis.call('GET', KEYS[2]), string.format('%.0f', last)}
            """;

    /** What the store tells the hub of the node. */
    public interface Node {
        /**
         * The topics this node's subscribers read: an unmodifiable snapshot, the same instance for as long as they
         * do not change, so that each read does not cost as much as the number of topics.
         */
        Set<String> topics();

        /**
         * Delivers {@code events} of the topics {@code read}, in id order, after telling the subscribers of
         * {@code reset} topics (every topic if null) that events are missing; then every event of those topics up to
         * {@code upTo} is delivered. Answers false, delivering nothing, if the node reads topics now that are not
         * among {@code read}: their events up to {@code upTo} are not at hand, and the store reads again.
         */
        boolean deliver(Set<String> read, List<StoredEvent> events, long upTo, Set<String> reset);
    }

    private final JedisPool pool;
    private final int maxPerTopic;
    private final long maxAgeMicros;
    private final long blockMillis;
    private final Node node;
    private final Thread reader;
    private volatile boolean running = true;
    private volatile boolean available;
    /** The topics of the last read, and their streams' keys. */
    private Set<String> readTopics = Set.of();
    private List<String> readKeys = List.of();
    /** Every event of the topics read, up to this id, was handed to the node. */
    private volatile long position;
    private volatile long epoch;

    public RedisStore(String url, Duration timeout, int maxPerTopic, Duration maxAge, ThreadFactory threads, Node node) {
        var config = new GenericObjectPoolConfig<Jedis>();
        config.setMaxTotal(64);
        config.setMaxIdle(16);
        config.setMaxWait(timeout);
        config.setJmxEnabled(false);
        int millis = (int) timeout.toMillis();
        this.blockMillis = Math.max(1, Math.min(100, millis / 2));
        URI uri = URI.create(url);
        var client = DefaultJedisClientConfig.builder().connectionTimeoutMillis(millis).socketTimeoutMillis(millis)
                .blockingSocketTimeoutMillis((int) blockMillis + millis).user(JedisURIHelper.getUser(uri))
                .password(JedisURIHelper.getPassword(uri)).database(JedisURIHelper.getDBIndex(uri))
                .ssl(JedisURIHelper.isRedisSSLScheme(uri)).protocol(RedisProtocol.RESP2).build();
        this.pool = new JedisPool(config, JedisURIHelper.getHostAndPort(uri), client);
        this.maxPerTopic = maxPerTopic;
        this.maxAgeMicros = TimeUnit.NANOSECONDS.toMicros(maxAge.toNanos());
        this.node = node;
        try (Jedis jedis = pool.getResource()) {
            List<?> answer = (List<?>) jedis.eval(EPOCH_OF, List.of(COUNTER, EPOCH), List.of());
            epoch = Long.parseLong((String) answer.get(0));
            position = Math.max(Long.parseLong((String) answer.get(1)), epoch - 1);
            available = true;
        } catch (JedisException e) {
            LOG.warning(() -> "SSEHUB-0101: Redis is unavailable at deployment (" + e.getMessage() + "); retrying");
        }
        this.reader = threads.newThread(this::read);
        reader.start();
    }

    /** Numbers {@code event} with the next id of the cluster and appends it to its topic; throws if Redis cannot. */
    public StoredEvent append(String topic, Frame.Unnumbered event) {
        return append(topic, event, null).orElseThrow();
    }

    /**
     * As {@link #append(String, Frame.Unnumbered)}, but if {@code once} is not null, only if no node appended an event
     * with that key in the last minute; empty if one did.
     */
    public Optional<StoredEvent> append(String topic, Frame.Unnumbered event, String once) {
        List<String> parts = event.parts();
        try (Jedis jedis = pool.getResource()) {
            Object id = jedis.eval(APPEND, List.of(COUNTER, EPOCH, stream(topic), dropped(topic), once == null ? "" : PREFIX + "once:" + once),
                    List.of(parts.get(0), parts.get(1), Integer.toString(maxPerTopic), Long.toString(maxAgeMicros)));
            if (!(id instanceof String number)) {
                return Optional.empty();
            }
            long sequence = Long.parseLong(number);
            return Optional.of(new StoredEvent(sequence, topic, event.withId(sequence), System.nanoTime()));
        } catch (JedisException e) {
            throw unavailable(e);
        }
    }

    @Override
    public Optional<List<StoredEvent>> read(Set<String> topics, long afterId, long upToId, int limit) {
        List<String> names = List.copyOf(topics);
        List<String> keys = new ArrayList<>(names.size() * 2);
        names.forEach(name -> keys.add(stream(name)));
        names.forEach(name -> keys.add(dropped(name)));
        List<String> args = List.of(Long.toString(afterId), Long.toString(Math.min(upToId, position)),
                Integer.toString(limit), Long.toString(maxAgeMicros));
        Object answer = reading(jedis -> jedis.eval(READ, keys, args));
        if (!(answer instanceof List<?> streams)) {
            return Optional.empty();
        }
        List<StoredEvent> found = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            for (Object entry : (List<?>) streams.get(i)) {
                List<?> idAndFields = (List<?>) entry;
                found.add(event(names.get(i), sequence((String) idAndFields.get(0)), fields((List<?>) idAndFields.get(1))));
            }
        }
        found.sort(Comparator.comparingLong(StoredEvent::id));
        return Optional.of(found.size() > limit ? List.copyOf(found.subList(0, limit)) : found);
    }

    /** Redis keeps each stream within its bounds as it appends. */
    @Override
    public void trim(long nowNanos) {
    }

    /** History is kept in Redis: a topic is forgotten here once nobody on this node reads it. */
    @Override
    public boolean holds(String topic) {
        return false;
    }

    @Override
    public long lastId() {
        return position;
    }

    /** The first id of the data set in Redis (events before it are not known to it), or 0 before Redis is reached. */
    public long epoch() {
        return epoch;
    }

    /** The newest id given so far, by any node; throws if Redis cannot say, or this node has not reached it yet. */
    public long newestId() {
        if (epoch == 0) {
            throw new StoreUnavailableException("Redis has not been reached yet", null);
        }
        String last = reading(jedis -> jedis.get(COUNTER));
        return last == null ? 0 : Long.parseLong(last);
    }

    /** Whether the last call to Redis, of the reader or any other, succeeded. */
    public boolean available() {
        return available;
    }

    /**
     * A failed call makes the store unavailable until the reader gets through again, and lets go of the idle
     * connections, which a Redis that restarted or failed over has broken too.
     */
    private StoreUnavailableException unavailable(JedisException e) {
        available = false;
        pool.clear();
        return new StoreUnavailableException("Redis is unavailable: " + e.getMessage(), e);
    }

    /** Runs a call that reads only, once more on a fresh connection if the first one's connection was broken. */
    private <T> T reading(Function<Jedis, T> call) {
        try (Jedis jedis = pool.getResource()) {
            return call.apply(jedis);
        } catch (JedisConnectionException broken) {
            pool.clear();
            try (Jedis jedis = pool.getResource()) {
                return call.apply(jedis);
            } catch (JedisException e) {
                throw unavailable(e);
            }
        } catch (JedisException e) {
            throw unavailable(e);
        }
    }

    /**
     * Reads new entries of the topics of this node from one position for all, until closed. A batch in which a stream
     * filled its page is cut at the smallest id such a stream reached, so what is handed over is in id order and
     * complete up to the new position. With nothing new, the position moves on to the newest id, so a topic that
     * joins later is read from about then, not from an old position. If the node took up a topic while a batch was
     * read, the batch is read again with it. On failure it retries with backoff from where it was; on coming back it
     * checks the epoch, and the node resets what it can no longer vouch for.
     */
    private void read() {
        long backoff = 50;
        boolean reconnected = false;
        while (running) {
            try (Jedis jedis = pool.getResource()) {
                if (reconnected || epoch == 0) {
                    rejoin(jedis);
                }
                reconnected = true;
                available = true;
                backoff = 50;
                while (running) {
                    readOnce(jedis);
                }
            } catch (JedisException e) {
                if (!running) {
                    return;
                }
                if (available) {
                    LOG.log(Level.WARNING, "SSEHUB-0102: Redis is unavailable; publishing answers 503 until it is back", e);
                }
                available = false;
            } catch (RuntimeException e) {
                LOG.log(Level.SEVERE, "SSEHUB-0103: reading Redis failed; trying again", e);
            }
            sleep(backoff);
            backoff = Math.min(backoff * 2, MAX_BACKOFF.toMillis());
        }
    }

    /**
     * After a failure: if Redis lost its data meanwhile (a new epoch), what this node delivered can no longer be
     * vouched for, and every stream gets {@code reset}; the new data set's ids are all past the epoch, so its events
     * are read from just before it.
     */
    private void rejoin(Jedis jedis) {
        pool.clear();
        List<?> answer = (List<?>) jedis.eval(EPOCH_OF, List.of(COUNTER, EPOCH), List.of());
        long now = Long.parseLong((String) answer.get(0));
        long newest = Long.parseLong((String) answer.get(1));
        if (epoch == 0) {
            position = Math.max(newest, now - 1);
            epoch = now;
            while (!node.deliver(node.topics(), List.of(), position, Set.of())) {
                Thread.onSpinWait();
            }
        } else if (now != epoch) {
            long was = epoch;
            LOG.warning(() -> "SSEHUB-0104: Redis lost its data (epoch " + was + ", now " + now + "); streams get reset");
            position = now - 1;
            epoch = now;
            while (!node.deliver(node.topics(), List.of(), position, null)) {
                Thread.onSpinWait();
            }
        }
        LOG.info("sse-hub: Redis is available");
    }

    private void readOnce(Jedis jedis) {
        Set<String> topics = node.topics();
        if (topics != readTopics) {
            readTopics = topics;
            readKeys = topics.stream().map(RedisStore::stream).toList();
        }
        long from = position;
        if (topics.isEmpty()) {
            moveOn(jedis, topics, from);
            sleep(blockMillis);
            return;
        }
        Map<String, StreamEntryID> streams = new HashMap<>(readKeys.size() * 2);
        var after = new StreamEntryID(from, 0);
        readKeys.forEach(key -> streams.put(key, after));
        var batch = jedis.xread(XReadParams.xReadParams().count(PAGE).block((int) blockMillis), streams);
        available = true;
        if (batch == null || batch.isEmpty()) {
            moveOn(jedis, topics, from);
            return;
        }
        long cut = Long.MAX_VALUE;
        long newest = from;
        for (var stream : batch) {
            List<StreamEntry> entries = stream.getValue();
            long last = entries.get(entries.size() - 1).getID().getTime();
            newest = Math.max(newest, last);
            if (entries.size() >= PAGE) {
                cut = Math.min(cut, last);
            }
        }
        long upTo = Math.min(cut, newest);
        List<StoredEvent> events = new ArrayList<>();
        List<String> read = new ArrayList<>();
        for (var stream : batch) {
            String topic = stream.getKey().substring(STREAM.length());
            read.add(topic);
            for (StreamEntry entry : stream.getValue()) {
                long id = entry.getID().getTime();
                if (id <= upTo) {
                    events.add(event(topic, id, entry.getFields()));
                }
            }
        }
        events.sort(Comparator.comparingLong(StoredEvent::id));
        Set<String> reset = droppedSince(jedis, read, from);
        position = upTo;
        boolean delivered = false;
        try {
            delivered = node.deliver(topics, events, upTo, reset);
        } finally {
            if (!delivered) {
                position = from;
            }
        }
    }

    /**
     * With nothing new for {@code topics} after {@code from}, moves the position on to the newest id given, so that a
     * topic taken up later is read from about then; unless an entry came meanwhile, which the next read takes. If the
     * epoch changed under a connection that stayed up (a flush, a failover behind a proxy), it rejoins.
     */
    private void moveOn(Jedis jedis, Set<String> topics, long from) {
        List<String> keys = new ArrayList<>(topics.size() + 2);
        keys.add(COUNTER);
        keys.add(EPOCH);
        if (topics == readTopics) {
            keys.addAll(readKeys);
        } else {
            topics.forEach(topic -> keys.add(stream(topic)));
        }
        List<?> answer = (List<?>) jedis.eval(ADVANCE, keys, List.of(Long.toString(from)));
        available = true;
        if (!Long.toString(epoch).equals(answer.get(0))) {
            rejoin(jedis);
            return;
        }
        String newest = (String) answer.get(1);
        if (!newest.isEmpty() && Long.parseLong(newest) > from) {
            position = Long.parseLong(newest);
            if (!node.deliver(topics, List.of(), position, Set.of())) {
                position = from;
            }
        }
    }

    /** Those of {@code topics} whose readers at {@code after} may have missed an event that was dropped. */
    private Set<String> droppedSince(Jedis jedis, List<String> topics, long after) {
        List<?> marks = (List<?>) jedis.eval(DROPPED, topics.stream().map(RedisStore::dropped).toList(),
                List.of(Long.toString(after), Long.toString(maxAgeMicros)));
        Set<String> missed = new HashSet<>();
        for (int i = 0; i < topics.size(); i++) {
            if (((Long) marks.get(i)) == 1L) {
                missed.add(topics.get(i));
            }
        }
        return missed;
    }

    private void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            running = false;
        }
    }

    /** Stops the reader and closes the connections. */
    @Override
    public void close() {
        running = false;
        reader.interrupt();
        try {
            reader.join(Math.max(1000, blockMillis * 4));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        pool.close();
    }

    private static final String STREAM = PREFIX + "t:";

    private static String stream(String topic) {
        return STREAM + topic;
    }

    private static String dropped(String topic) {
        return PREFIX + "dropped:" + topic;
    }

    private static long sequence(String streamId) {
        return Long.parseLong(streamId.substring(0, streamId.indexOf('-')));
    }

    private static Map<String, String> fields(List<?> flat) {
        Map<String, String> fields = new HashMap<>();
        for (int i = 0; i + 1 < flat.size(); i += 2) {
            fields.put((String) flat.get(i), (String) flat.get(i + 1));
        }
        return fields;
    }

    private static StoredEvent event(String topic, long id, Map<String, String> fields) {
        return new StoredEvent(id, topic, Frame.Unnumbered.of(fields.get("h"), fields.get("d")).withId(id), System.nanoTime());
    }
}
