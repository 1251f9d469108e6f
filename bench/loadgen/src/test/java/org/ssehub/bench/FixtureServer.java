package org.ssehub.bench;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Locale;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A tiny SSE server for the tests, on 127.0.0.1 only: GET /events streams chunked SSE (each event
 * split over two chunks, line ends varying by subscriber), POST /publish fans the text body out,
 * GET /topics answers the subscriber count. A subscriber whose queue overflows is disconnected. With a
 * {@code topic=} query parameter a subscriber gets only that topic's publications (a publish names it the same way);
 * a {@code node=} parameter on a publish is counted in {@link #publishedOn}.
 */
final class FixtureServer implements AutoCloseable {
    private static final String[] LINE_ENDS = {"\n", "\r\n", "\r"};
    private final ServerSocket server;
    private final List<Sub> subs = new CopyOnWriteArrayList<>();
    private final AtomicInteger accepted = new AtomicInteger();
    private final int lossySubscriber;
    private final int lossyModulo;
    final AtomicInteger published = new AtomicInteger();
    final Map<String, Integer> publishedOn = new ConcurrentHashMap<>();
    final Map<String, Integer> subscribedTo = new ConcurrentHashMap<>();

    /** Subscriber number {@code lossySubscriber} (in accept order) misses events whose seq % lossyModulo == 3. */
    FixtureServer(int lossySubscriber, int lossyModulo) throws IOException {
        this.lossySubscriber = lossySubscriber;
        this.lossyModulo = lossyModulo;
        this.server = new ServerSocket(0, 500, InetAddress.getByName("127.0.0.1"));
        Thread t = new Thread(this::accept, "fixture-accept");
        t.setDaemon(true);
        t.start();
    }

    String base() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    @Override
    public void close() throws IOException {
        server.close();
        subs.forEach(Sub::drop);
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                Thread t = new Thread(() -> serve(s), "fixture-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s) {
        try {
            InputStream in = new BufferedInputStream(s.getInputStream());
            OutputStream out = new BufferedOutputStream(s.getOutputStream());
            while (true) {
                String requestLine = line(in);
                if (requestLine == null) {
                    s.close();
                    return;
                }
                int length = 0;
                for (String h; !(h = line(in)).isEmpty(); ) {
                    if (h.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                        length = Integer.parseInt(h.substring(15).strip());
                    }
                }
                String topic = parameter(requestLine, "topic");
                if (requestLine.startsWith("GET /events")) {
                    subscribedTo.merge(topic + "@" + parameter(requestLine, "node"), 1, Integer::sum);
                    subscribe(s, out, topic);
                    return;
                } else if (requestLine.startsWith("POST /publish")) {
                    String body = new String(in.readNBytes(length), StandardCharsets.UTF_8);
                    publishedOn.merge(String.valueOf(parameter(requestLine, "node")), 1, Integer::sum);
                    fanOut(body, topic);
                    answer(out, "201 Created", "{\"id\":\"" + published.incrementAndGet() + "\"}");
                } else if (requestLine.startsWith("GET /topics")) {
                    answer(out, "200 OK", "[{\"lastId\":\"1\",\"subscribers\":" + subs.size() + ",\"topic\":\"bench\"},"
                            + "{\"lastId\":\"2\",\"subscribers\":1,\"topic\":\"ticker\"}]");
                } else {
                    answer(out, "404 Not Found", "{}");
                }
            }
        } catch (IOException e) {
            try {
                s.close();
            } catch (IOException ignored) {
            }
        }
    }

    /** The value of query parameter {@code name} in an HTTP request line, or null. */
    private static String parameter(String requestLine, String name) {
        String target = requestLine.split(" ")[1];
        int q = target.indexOf('?');
        for (String pair : q < 0 ? new String[0] : target.substring(q + 1).split("&")) {
            if (pair.startsWith(name + "=")) {
                return pair.substring(name.length() + 1);
            }
        }
        return null;
    }

    private static void answer(OutputStream out, String status, String json) throws IOException {
        byte[] b = json.getBytes(StandardCharsets.UTF_8);
        out.write(("HTTP/1.1 " + status + "\r\nContent-Type: application/json\r\nContent-Length: " + b.length
                + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(b);
        out.flush();
    }

    private void subscribe(Socket s, OutputStream out, String topic) throws IOException {
        int n = accepted.getAndIncrement();
        s.setSendBufferSize(4096);
        Sub sub = new Sub(s, out, n, LINE_ENDS[n % LINE_ENDS.length], topic);
        out.write("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII));
        chunk(out, (": fixture" + sub.eol + "retry: 1000" + sub.eol + sub.eol).getBytes(StandardCharsets.US_ASCII));
        out.flush();
        subs.add(sub);
        sub.writeLoop();
    }

    private void fanOut(String body, String topic) {
        long seq = Long.parseLong(body.substring(0, body.indexOf(' ')));
        int id = published.get() + 1;
        for (Sub sub : subs) {
            if ((sub.topic != null && !sub.topic.equals(topic)) || (sub.number == lossySubscriber && seq % lossyModulo == 3)) {
                continue;
            }
            String e = "id: " + id + sub.eol + "event: bench" + sub.eol + "data: " + body + sub.eol + sub.eol;
            if (seq % 5 == 0) {
                e = "event: ticker" + sub.eol + "data: {\"message\":\"12:00:00\"}" + sub.eol + sub.eol + e;
            }
            if (!sub.queue.offer(e.getBytes(StandardCharsets.UTF_8))) {
                sub.drop();
            }
        }
    }

    private static void chunk(OutputStream out, byte[] b) throws IOException {
        int cut = b.length / 3;
        for (int[] part : new int[][] {{0, cut}, {cut, b.length}}) {
            if (part[1] > part[0]) {
                out.write((Integer.toHexString(part[1] - part[0]) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(b, part[0], part[1] - part[0]);
                out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            }
        }
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int c; (c = in.read()) != '\n'; ) {
            if (c < 0) {
                return null;
            }
            if (c != '\r') {
                b.write(c);
            }
        }
        return b.toString(StandardCharsets.US_ASCII);
    }

    private final class Sub {
        final Socket socket;
        final OutputStream out;
        final int number;
        final String eol;
        final String topic;
        final BlockingQueue<byte[]> queue = new ArrayBlockingQueue<>(32);

        Sub(Socket socket, OutputStream out, int number, String eol, String topic) {
            this.socket = socket;
            this.out = out;
            this.number = number;
            this.eol = eol;
            this.topic = topic;
        }

        void writeLoop() {
            try {
                while (true) {
                    chunk(out, queue.take());
                    out.flush();
                }
            } catch (IOException | InterruptedException e) {
                drop();
            }
        }

        void drop() {
            subs.remove(this);
            try {
                socket.close();
            } catch (IOException ignored) {
            }
        }
    }
}
