package org.ssehub;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PushbackInputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * An event stream read from a plain socket, not through a client library, so tests see exactly the bytes the
 * server wrote: the status and headers, then each block up to a blank line, split into lines on CR, LF or CRLF
 * as the WHATWG parser does.
 */
public final class SseStream implements AutoCloseable {

    private static final Frame END = new Frame(List.of());

    private final Socket socket;
    private final BlockingQueue<Frame> frames = new LinkedBlockingQueue<>();
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();
    private final int status;
    private final Map<String, String> headers;
    private volatile long endedAtNanos;

    private SseStream(Socket socket, int status, Map<String, String> headers) {
        this.socket = socket;
        this.status = status;
        this.headers = headers;
    }

    /** Sends {@code GET pathAndQuery} with the given headers and reads the response head. */
    public static SseStream open(URI base, String pathAndQuery, String... headerLines) throws IOException {
        return open(new Socket(base.getHost(), base.getPort()), base, pathAndQuery, headerLines);
    }

    /** The same from a chosen local address, such as 127.0.0.2, to look like another client. */
    public static SseStream openFrom(String localAddress, URI base, String pathAndQuery, String... headerLines) throws IOException {
        var socket = new Socket(InetAddress.getByName(base.getHost()), base.getPort(), InetAddress.getByName(localAddress), 0);
        return open(socket, base, pathAndQuery, headerLines);
    }

    private static SseStream open(Socket socket, URI base, String pathAndQuery, String... headerLines) throws IOException {
        socket.setSoTimeout((int) DeployedWar.TIMEOUT.toMillis());
        StringBuilder request = new StringBuilder("GET " + base.getPath() + pathAndQuery + " HTTP/1.1\r\n")
                .append("Host: ").append(base.getHost()).append(':').append(base.getPort()).append("\r\n")
                .append("Accept: text/event-stream\r\n");
        for (String line : headerLines) {
            request.append(line).append("\r\n");
        }
        OutputStream out = socket.getOutputStream();
        out.write(request.append("\r\n").toString().getBytes(StandardCharsets.UTF_8));
        out.flush();

        var in = new PushbackInputStream(new BufferedInputStream(socket.getInputStream(), 1 << 16), 1);
        String statusLine = readLine(in);
        int status = Integer.parseInt(statusLine.split(" ")[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (String line = readLine(in); !line.isEmpty(); line = readLine(in)) {
            int colon = line.indexOf(':');
            headers.merge(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim(),
                    (a, b) -> a + ", " + b);
        }
        socket.setSoTimeout(0);
        var stream = new SseStream(socket, status, headers);
        InputStream body = "chunked".equalsIgnoreCase(headers.get("transfer-encoding")) ? new Chunked(in) : in;
        Thread reader = new Thread(() -> stream.readFrames(new PushbackInputStream(stream.recorded(body), 1)), "sse-reader");
        reader.setDaemon(true);
        reader.start();
        return stream;
    }

    public int status() {
        return status;
    }

    /** The response header, lower-case name; repeated headers joined with ", ". */
    public String header(String name) {
        return headers.get(name.toLowerCase(Locale.ROOT));
    }

    /** The next block, comment-only blocks included; fails if none arrives in time. */
    public Frame next(Duration timeout) throws InterruptedException {
        Frame frame = frames.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (frame == null) {
            throw new AssertionError("no SSE block within " + timeout);
        }
        if (frame == END) {
            frames.add(END);
            throw new AssertionError("the server ended the stream");
        }
        return frame;
    }

    /** Whether the server has ended the stream and every block before its end has been taken. */
    public boolean ended() {
        return frames.peek() == END;
    }

    /** When the stream ended, on the clock of {@link System#nanoTime()}, or 0 while it is open. */
    public long endedAtNanos() {
        return endedAtNanos;
    }

    /** The next block that dispatches an event (has data), skipping comments and retry-only blocks. */
    public Frame nextEvent(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Frame frame = next(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            if (frame.data() != null) {
                return frame;
            }
        }
    }

    /** The blocks still to come if the server ends the stream within {@code timeout}; fails if it does not. */
    public List<Frame> restUntilEnd(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<Frame> rest = new ArrayList<>();
        while (true) {
            Frame frame = frames.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (frame == null) {
                throw new AssertionError("the stream was still open after " + timeout + "; received " + rest);
            }
            if (frame == END) {
                frames.add(END);
                return rest;
            }
            rest.add(frame);
        }
    }

    /** Every byte of the body read so far (without the chunked coding), as UTF-8. */
    public String body() {
        synchronized (body) {
            return body.toString(StandardCharsets.UTF_8);
        }
    }

    private InputStream recorded(InputStream in) {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                int b = in.read();
                if (b != -1) {
                    synchronized (body) {
                        body.write(b);
                    }
                }
                return b;
            }
        };
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    /** Closes with a TCP reset instead of the orderly close. */
    public void abort() throws IOException {
        socket.setSoLinger(true, 0);
        socket.close();
    }

    private void readFrames(PushbackInputStream in) {
        try {
            List<String> lines = new ArrayList<>();
            while (true) {
                String line = readLine(in);
                if (line.isEmpty()) {
                    if (!lines.isEmpty()) {
                        frames.add(new Frame(List.copyOf(lines)));
                        lines.clear();
                    }
                } else {
                    lines.add(line);
                }
            }
        } catch (IOException endOfStream) {
            endedAtNanos = System.nanoTime();
            frames.add(END);
        }
    }

    /** A line ended by CR, LF or CRLF, decoded as UTF-8. */
    private static String readLine(PushbackInputStream in) throws IOException {
        var line = new ByteArrayOutputStream();
        while (true) {
            int b = in.read();
            if (b == -1) {
                throw new EOFException();
            }
            if (b == '\n') {
                break;
            }
            if (b == '\r') {
                int next = in.read();
                if (next != '\n' && next != -1) {
                    in.unread(next);
                }
                break;
            }
            line.write(b);
        }
        return line.toString(StandardCharsets.UTF_8);
    }

    /** One block of lines between blank lines. */
    public record Frame(List<String> lines) {

        public String id() {
            return field("id");
        }

        public String event() {
            return field("event");
        }

        public String retry() {
            return field("retry");
        }

        /** The data lines joined with LF, as the browser sees them; null if the block has none. */
        public String data() {
            List<String> data = values("data");
            return data.isEmpty() ? null : String.join("\n", data);
        }

        public List<String> comments() {
            return lines.stream().filter(l -> l.startsWith(":")).map(l -> l.substring(1)).toList();
        }

        private String field(String name) {
            List<String> values = values(name);
            return values.isEmpty() ? null : values.get(values.size() - 1);
        }

        private List<String> values(String name) {
            List<String> values = new ArrayList<>();
            for (String line : lines) {
                int colon = line.indexOf(':');
                String field = colon < 0 ? line : line.substring(0, colon);
                if (colon != 0 && field.equals(name)) {
                    String value = colon < 0 ? "" : line.substring(colon + 1);
                    values.add(value.startsWith(" ") ? value.substring(1) : value);
                }
            }
            return values;
        }
    }

    /** HTTP/1.1 chunked transfer coding. */
    private static final class Chunked extends InputStream {
        private final PushbackInputStream in;
        private int left;

        Chunked(PushbackInputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            if (left == 0) {
                String size = readLine(in);
                if (size.isEmpty()) {
                    size = readLine(in);
                }
                left = Integer.parseInt(size.split(";")[0].trim(), 16);
                if (left == 0) {
                    return -1;
                }
            }
            left--;
            int b = in.read();
            if (left == 0) {
                readLine(in);
            }
            return b;
        }
    }
}
