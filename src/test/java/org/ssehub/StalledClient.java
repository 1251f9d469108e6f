package org.ssehub;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** A subscriber with a small receive window that never reads what it asked for, until told to. */
public final class StalledClient implements AutoCloseable {

    private static final byte[] LAST_CHUNK = "\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private final Socket socket;

    private StalledClient(Socket socket) {
        this.socket = socket;
    }

    /** Asks for {@code pathAndQuery} from {@code localAddress} (null: any) and reads nothing. */
    public static StalledClient open(String localAddress, URI base, String pathAndQuery) throws IOException {
        var socket = new Socket();
        socket.setReceiveBufferSize(4096);
        if (localAddress != null) {
            socket.bind(new InetSocketAddress(InetAddress.getByName(localAddress), 0));
        }
        socket.connect(new InetSocketAddress(base.getHost(), base.getPort()));
        String request = "GET " + base.getPath() + pathAndQuery + " HTTP/1.1\r\n"
                + "Host: " + base.getHost() + ":" + base.getPort() + "\r\nAccept: text/event-stream\r\n\r\n";
        socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
        return new StalledClient(socket);
    }

    /**
     * Reads all that was buffered; true if the stream then ends within {@code timeout}: the connection closes, or the
     * chunked response ends and the connection stays open for the next request (Payara, WildFly).
     */
    public boolean readsToEnd(Duration timeout) throws IOException {
        socket.setSoTimeout((int) timeout.toMillis());
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[65_536];
        byte[] last = new byte[LAST_CHUNK.length];
        try {
            for (int read = in.read(buffer); read != -1; read = in.read(buffer)) {
                int kept = Math.max(0, last.length - read);
                System.arraycopy(last, last.length - kept, last, 0, kept);
                System.arraycopy(buffer, read - (last.length - kept), last, kept, last.length - kept);
                if (Arrays.equals(last, LAST_CHUNK)) {
                    return true;
                }
            }
            return true;
        } catch (SocketTimeoutException stillOpen) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }

    /**
     * Whether the server has closed its end of the connection: its socket has left ESTABLISHED (a close with unsent
     * data queues the FIN behind it, so the client, not reading, would not see it yet).
     */
    public boolean closedByServer() throws IOException {
        String server = String.format(Locale.ROOT, ":%04X", socket.getPort());
        String client = String.format(Locale.ROOT, ":%04X", socket.getLocalPort());
        List<String> sockets = new ArrayList<>(Files.readAllLines(Path.of("/proc/net/tcp")));
        sockets.addAll(Files.readAllLines(Path.of("/proc/net/tcp6")));
        return sockets.stream().map(line -> line.trim().split("\\s+"))
                .filter(fields -> fields.length > 3 && fields[1].endsWith(server) && fields[2].endsWith(client))
                .noneMatch(fields -> fields[3].equals("01"));
    }

    /** {@link #closedByServer()}, for a lambda. */
    public boolean closedByServerUnchecked() {
        try {
            return closedByServer();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
