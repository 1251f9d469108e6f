package org.ssehub.bench;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;

/**
 * All SSE subscriptions on one selector thread. State is owned by that thread; other threads go
 * through {@link #call}, which runs a task on it and waits for the answer.
 */
final class Subscribers implements Runnable, AutoCloseable {
    static final int STEADY = 0, STALLED = 1, CHURN = 2;
    private static final int MAX_DATA = 64, STALLED_RCVBUF = 4096, CHURN_IN_FLIGHT = 200;
    private static final int PER_SOURCE_ADDRESS = 25_000;
    private static final long SECOND = 1_000_000_000L;

    private final Targets targets;
    private final InetSocketAddress[] addresses;
    private final byte[][][] requests;
    private final boolean bindLoopback;
    private final int maxInFlight;
    private final long connectTimeoutNanos;
    private final Selector selector;
    private final ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final InetAddress[] sources = new InetAddress[256];
    private final Thread thread;
    private volatile boolean running = true;
    volatile String phase = "connect";
    volatile LongSupplier publishErrors = () -> 0;
    volatile long allStalledNanos;

    private final List<Conn> conns = new ArrayList<>();
    private final Set<Conn> churning = new HashSet<>();
    private final Map<String, Integer> connectFailures = new TreeMap<>();
    private final Map<String, Integer> disconnects = new TreeMap<>();
    private final Map<String, Integer> churnFailures = new TreeMap<>();
    private final Map<String, Integer> stalledDrops = new TreeMap<>();
    private long now;
    private int toOpen, stalledToOpen, stalledEvery, batchIndex, created;
    private int inFlight, connected, alive, stalledTotal, stalledPaused;
    private long firstConnectNanos, lastReadyNanos;
    private double churnRate, churnSeconds;
    private long churnStartNanos, churnStarted, churnDone;
    private long deliveredAll, duplicates, otherEvents, bugs;
    private long parsedSeq, parsedSent;
    private Window window;
    private int requested;
    private long lastTick, lastTickDelivered;

    Subscribers(Targets targets, int maxInFlight, double connectTimeoutSeconds) throws IOException {
        this.targets = targets;
        this.addresses = new InetSocketAddress[targets.nodes];
        this.requests = new byte[targets.nodes][targets.topics][];
        for (int node = 0; node < targets.nodes; node++) {
            for (int t = 0; t < targets.topics; t++) {
                URI url = targets.subscribeUri(node, t);
                if (!"http".equals(url.getScheme()) || url.getHost() == null) {
                    throw new IllegalArgumentException("the subscribe URL must be http://host:port/path, got " + url);
                }
                int port = url.getPort() > 0 ? url.getPort() : 80;
                addresses[node] = new InetSocketAddress(InetAddress.getByName(url.getHost()), port);
                String path = (url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath())
                        + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery());
                requests[node][t] = ("GET " + path + " HTTP/1.1\r\nHost: " + url.getHost() + ":" + port
                        + "\r\nAccept: text/event-stream\r\nCache-Control: no-cache\r\nUser-Agent: sse-hub-loadgen\r\n\r\n")
                        .getBytes(StandardCharsets.ISO_8859_1);
            }
        }
        this.bindLoopback = addresses[0].getAddress() instanceof java.net.Inet4Address a && a.isLoopbackAddress();
        this.maxInFlight = maxInFlight;
        this.connectTimeoutNanos = (long) (connectTimeoutSeconds * SECOND);
        this.selector = Selector.open();
        this.thread = new Thread(this, "subscribers");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    <T> T call(Callable<T> task) {
        CompletableFuture<T> f = new CompletableFuture<>();
        tasks.add(() -> {
            try {
                f.complete(task.call());
            } catch (Throwable e) {
                f.completeExceptionally(e);
            }
        });
        selector.wakeup();
        while (true) {
            try {
                return f.get(1, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                if (!thread.isAlive()) {
                    throw new IllegalStateException("the subscriber thread has stopped");
                }
            } catch (ExecutionException e) {
                throw new IllegalStateException(e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    /** Opens n more subscriptions, k of them stalled readers, spread evenly; {@link #rampSeconds} starts again. */
    void open(int n, int k) {
        call(() -> {
            toOpen += n;
            requested += n;
            stalledToOpen = k;
            stalledTotal += k;
            stalledEvery = k > 0 ? Math.max(1, n / k) : 0;
            batchIndex = 0;
            firstConnectNanos = 0;
            lastReadyNanos = 0;
            return null;
        });
    }

    boolean connecting() {
        return call(() -> toOpen > 0 || inFlight > 0);
    }

    int alive() {
        return call(() -> alive);
    }

    void window(Window w) {
        call(() -> window = w);
    }

    void freeze(Window w) {
        call(() -> w.frozen = true);
    }

    void churn(double perSecond) {
        call(() -> {
            long t = System.nanoTime();
            if (churnRate > 0) {
                churnSeconds += (t - churnStartNanos) / 1e9;
            }
            churnRate = perSecond;
            churnStartNanos = t;
            churnStarted = 0;
            return null;
        });
    }

    /** Lets the stalled readers read again; answers how many are still open. */
    int resumeStalled() {
        return call(() -> {
            int open = 0;
            for (Conn c : conns) {
                if (c.kind == STALLED && !c.closed) {
                    c.key.interestOps(SelectionKey.OP_READ);
                    open++;
                }
            }
            return open;
        });
    }

    int stalledOpen() {
        return call(() -> (int) conns.stream().filter(c -> c.kind == STALLED && !c.closed).count());
    }

    double rampSeconds() {
        return call(() -> firstConnectNanos == 0 || lastReadyNanos == 0 ? 0 : (lastReadyNanos - firstConnectNanos) / 1e9);
    }

    Map<String, Object> stats() {
        return call(() -> {
            Map<String, Object> m = new java.util.LinkedHashMap<>();
            m.put("connected", connected);
            m.put("healthy", alive);
            m.put("connectFailures", new TreeMap<>(connectFailures));
            m.put("disconnects", new TreeMap<>(disconnects));
            m.put("duplicates", duplicates);
            m.put("otherEvents", otherEvents);
            m.put("stalledPaused", stalledPaused);
            m.put("stalledDrops", new TreeMap<>(stalledDrops));
            m.put("churnCompleted", churnDone);
            m.put("churnSeconds", churnSeconds);
            m.put("churnFailures", new TreeMap<>(churnFailures));
            return m;
        });
    }

    @Override
    public void close() {
        running = false;
        selector.wakeup();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void run() {
        lastTick = System.nanoTime();
        try {
            while (running) {
                selector.select(churnRate > 0 ? 5 : 50);
                now = System.nanoTime();
                for (Runnable t; (t = tasks.poll()) != null; ) {
                    t.run();
                }
                for (SelectionKey key : selector.selectedKeys()) {
                    handle(key);
                }
                selector.selectedKeys().clear();
                now = System.nanoTime();
                openPending();
                if (now - lastTick >= SECOND) {
                    expire();
                    progress();
                    lastTick = now;
                }
            }
        } catch (IOException | RuntimeException e) {
            System.err.println("subscriber thread failed: " + e);
            e.printStackTrace();
        } finally {
            for (Conn c : conns) {
                c.abort();
            }
            for (Conn c : churning) {
                c.abort();
            }
            try {
                selector.close();
            } catch (IOException ignored) {
            }
            for (Runnable t; (t = tasks.poll()) != null; ) {
                t.run();
            }
        }
    }

    private void handle(SelectionKey key) {
        Conn c = (Conn) key.attachment();
        try {
            if (!key.isValid()) {
                return;
            }
            if (key.isConnectable()) {
                c.ch.finishConnect();
                c.sendRequest();
            } else if (key.isWritable()) {
                c.sendRequest();
            } else if (key.isReadable()) {
                c.read();
            }
        } catch (IOException e) {
            c.close(kind(e));
        } catch (RuntimeException e) {
            if (bugs++ == 0) {
                e.printStackTrace();
            }
            c.close("bug-" + e.getClass().getSimpleName());
        }
    }

    private void openPending() {
        while (toOpen > 0 && inFlight < maxInFlight) {
            toOpen--;
            boolean stalled = stalledToOpen > 0 && batchIndex % stalledEvery == 0;
            batchIndex++;
            if (stalled) {
                stalledToOpen--;
            }
            open(stalled ? STALLED : STEADY);
        }
        if (churnRate > 0) {
            long due = (long) ((now - churnStartNanos) / 1e9 * churnRate);
            while (churnStarted < due && churning.size() < CHURN_IN_FLIGHT) {
                open(CHURN);
                churnStarted++;
            }
        }
    }

    private void open(int kind) {
        long k = kind == CHURN ? churnStarted : created;
        Conn c = new Conn(kind, targets.subscriberNode(k), targets.subscriberTopic(k));
        if (kind == CHURN) {
            churning.add(c);
        } else {
            conns.add(c);
            inFlight++;
            if (firstConnectNanos == 0) {
                firstConnectNanos = now;
            }
        }
        try {
            c.ch = SocketChannel.open();
            c.ch.configureBlocking(false);
            if (kind == STALLED) {
                c.ch.setOption(StandardSocketOptions.SO_RCVBUF, STALLED_RCVBUF);
            }
            if (bindLoopback) {
                int octet = kind == CHURN ? 100 + (int) (churnStarted / 20_000 % 100) : 1 + created / PER_SOURCE_ADDRESS;
                c.ch.bind(new InetSocketAddress(source(octet), 0));
            }
            if (kind != CHURN) {
                created++;
            }
            c.key = c.ch.register(selector, 0, c);
            if (c.ch.connect(addresses[c.node])) {
                c.sendRequest();
            } else {
                c.key.interestOps(SelectionKey.OP_CONNECT);
            }
        } catch (IOException e) {
            c.close(kind(e));
        }
    }

    private InetAddress source(int octet) throws IOException {
        if (sources[octet] == null) {
            sources[octet] = InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) octet});
        }
        return sources[octet];
    }

    private void expire() {
        for (Conn c : conns) {
            if (!c.ready && !c.closed && now - c.openedNanos > connectTimeoutNanos) {
                c.close("timeout");
            }
        }
        for (Conn c : new ArrayList<>(churning)) {
            if (now - c.openedNanos > connectTimeoutNanos) {
                c.close("timeout");
            }
        }
    }

    private void progress() {
        double perSecond = (deliveredAll - lastTickDelivered) / ((now - lastTick) / 1e9);
        lastTickDelivered = deliveredAll;
        Window w = window;
        String p99 = w != null && w.latencyMicros.getTotalCount() > 0
                ? String.format(Locale.ROOT, "%.2f ms", w.latencyMicros.getValueAtPercentile(99) / 1000.0) : "-";
        System.err.printf(Locale.ROOT, "[%s] connected %d/%d  delivered/s %.0f  p99 %s  publish errors %d%s%n",
                phase, connected, requested, perSecond, p99, publishErrors.getAsLong(),
                churnRate > 0 ? "  churned " + churnDone : "");
    }

    private boolean parsePayload(byte[] d, int n, int total) {
        int i = 0;
        long seq = 0;
        while (i < n && d[i] >= '0' && d[i] <= '9') {
            seq = seq * 10 + (d[i++] - '0');
        }
        if (i == 0 || i >= n || d[i] != ' ') {
            return false;
        }
        boolean negative = ++i < n && d[i] == '-';
        if (negative) {
            i++;
        }
        int start = i;
        long sent = 0;
        while (i < n && d[i] >= '0' && d[i] <= '9') {
            sent = sent * 10 + (d[i++] - '0');
        }
        if (i == start || (i < n ? d[i] != ' ' : total > n)) {
            return false;
        }
        parsedSeq = seq;
        parsedSent = negative ? -sent : sent;
        return true;
    }

    static String kind(Throwable e) {
        if (e instanceof java.util.concurrent.CompletionException && e.getCause() != null) {
            e = e.getCause();
        }
        String m = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
        if (e instanceof ConnectException || m.contains("refused")) {
            return "refused";
        }
        if (m.contains("reset") || m.contains("broken pipe")) {
            return "reset";
        }
        if (m.contains("cannot assign")) {
            return "no-address";
        }
        if (m.contains("too many open files")) {
            return "too-many-files";
        }
        if (m.contains("timed out")) {
            return "timeout";
        }
        return e.getClass().getSimpleName();
    }

    private static void count(Map<String, Integer> m, String key) {
        m.merge(key, 1, Integer::sum);
    }

    private final class Conn extends SseParser {
        final int kind;
        final int node;
        final byte[] request;
        final long openedNanos = now;
        SocketChannel ch;
        SelectionKey key;
        int written;
        boolean ready, closed, paused;
        long maxSeq = -1;
        long seen;

        Conn(int kind, int node, int topic) {
            super(MAX_DATA);
            this.kind = kind;
            this.node = node;
            this.request = requests[node][topic];
        }

        void sendRequest() throws IOException {
            written += ch.write(ByteBuffer.wrap(request, written, request.length - written));
            key.interestOps(written < request.length ? SelectionKey.OP_WRITE : paused ? 0 : SelectionKey.OP_READ);
        }

        void read() throws IOException {
            for (int round = 0; round < 4; round++) {
                buffer.clear();
                int n = ch.read(buffer);
                if (n < 0) {
                    close("eof");
                    return;
                }
                if (n == 0) {
                    return;
                }
                now = System.nanoTime();
                feed(buffer.array(), 0, n);
                if (closed || paused || n < buffer.capacity()) {
                    return;
                }
            }
        }

        @Override
        protected void onStatus(int code) {
            if (code != 200) {
                stop();
                close(code < 0 ? "bad-status" : "http-" + code);
            }
        }

        @Override
        protected void onBodyStart() {
            if (kind == CHURN) {
                churnDone++;
                stop();
                close(null);
                return;
            }
            ready = true;
            inFlight--;
            connected++;
            lastReadyNanos = now;
            if (kind == STEADY) {
                alive++;
            }
        }

        @Override
        protected void onEvent() {
            if (kind == STALLED) {
                if (!paused) {
                    paused = true;
                    key.interestOps(0);
                    if (++stalledPaused == stalledTotal) {
                        allStalledNanos = now;
                    }
                }
                return;
            }
            if (!parsePayload(data, dataLen, dataTotal)) {
                otherEvents++;
                return;
            }
            if (!firstSight(parsedSeq)) {
                duplicates++;
                return;
            }
            deliveredAll++;
            if (window != null) {
                window.record(parsedSeq, now - parsedSent, node);
            }
        }

        /** Publishes may overtake each other, so this remembers the last 64 sequence numbers, not just the highest. */
        private boolean firstSight(long seq) {
            if (seq > maxSeq) {
                long shift = seq - maxSeq;
                seen = (shift >= 64 ? 0 : seen << shift) | 1;
                maxSeq = seq;
                return true;
            }
            long back = maxSeq - seq;
            if (back >= 64 || (seen & (1L << back)) == 0) {
                seen |= back < 64 ? 1L << back : 0;
                return true;
            }
            return false;
        }

        @Override
        protected void onEnd(String reason) {
            close(reason);
        }

        void close(String reason) {
            if (closed) {
                return;
            }
            quietClose();
            if (kind == CHURN) {
                churning.remove(this);
                if (reason != null) {
                    count(churnFailures, reason);
                }
            } else if (!ready) {
                inFlight--;
                count(connectFailures, reason);
            } else {
                connected--;
                if (kind == STEADY) {
                    alive--;
                    count(disconnects, reason);
                } else {
                    count(stalledDrops, reason);
                }
            }
        }

        /** Closes with a reset, so that no TIME_WAIT holds the port when the next run starts. */
        void abort() {
            if (!closed && ch != null) {
                try {
                    ch.setOption(StandardSocketOptions.SO_LINGER, 0);
                } catch (IOException ignored) {
                }
            }
            quietClose();
        }

        void quietClose() {
            closed = true;
            stop();
            if (key != null) {
                key.cancel();
            }
            if (ch != null) {
                try {
                    ch.close();
                } catch (IOException ignored) {
                }
            }
        }
    }
}
