package org.ssehub.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.ssehub.DeployedWar;
import org.ssehub.SseStream;

/**
 * The test servers allow 100 new streams per second per address with a burst of 200. Requests for a stream are
 * counted whether they are refused or not, so one address asking for streams with a bad topic in a loop is soon
 * answered 429, while other addresses still get their streams.
 */
class ConnectRateIT extends DeployedWar {

    private static final String FLOODER = "127.0.0.60";
    private static final int MAX_REQUESTS = 20_000;
    private static final int CLIENTS = 4;

    /** Four clients on the one address ask at once, so that together they outrun the rate on a slow machine too. */
    @Test
    void anAddressOpeningStreamsFasterThanItsRateGets429WithRetryAfter() throws Exception {
        AtomicReference<String> firstRefusal = new AtomicReference<>();
        AtomicInteger requests = new AtomicInteger();
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        List<Future<?>> asking = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            asking.add(clients.submit(() -> {
                while (firstRefusal.get() == null && requests.incrementAndGet() <= MAX_REQUESTS) {
                    String response = request(FLOODER, "api/events?topic=bad%20name");
                    if (response.startsWith("HTTP/1.1 429")) {
                        firstRefusal.compareAndSet(null, response);
                    } else {
                        assertTrue(response.startsWith("HTTP/1.1 400"), response);
                    }
                }
                return null;
            }));
        }
        clients.shutdown();
        for (Future<?> client : asking) {
            client.get(2, TimeUnit.MINUTES);
        }
        String refused = firstRefusal.get();
        assertTrue(refused != null, "no 429 in " + MAX_REQUESTS + " requests");
        assertTrue(requests.get() > 200, "the burst of 200 was granted first, refused after " + requests);
        String head = refused.substring(0, refused.indexOf("\r\n\r\n")).toLowerCase();
        assertTrue(head.contains("\r\nretry-after: 1"), head);
        assertTrue(head.contains("\r\ncontent-type: application/problem+json"), head);
        assertTrue(refused.contains("SSE_CONNECTS_PER_CLIENT_PER_SECOND"), refused);

        try (SseStream other = SseStream.openFrom("127.0.0.61", base(), "api/events")) {
            assertEquals(200, other.status(), "another address is not limited");
            assertEquals("ticker", other.nextEvent(TIMEOUT).event());
        }
        try (SseStream ticker = stream("api/events")) {
            String[] last = {refused};
            await("the address may open streams again after its Retry-After", TIMEOUT, ticker,
                    () -> !(last[0] = request(FLOODER, "api/events?topic=bad%20name")).startsWith("HTTP/1.1 429"));
            assertTrue(last[0].startsWith("HTTP/1.1 400"), last[0]);
        }
    }

    /** The whole response to one GET sent from {@code localAddress} on a connection of its own. */
    private String request(String localAddress, String pathAndQuery) throws IOException {
        try (var socket = new Socket(InetAddress.getByName(base().getHost()), base().getPort(), InetAddress.getByName(localAddress), 0)) {
            socket.setSoTimeout((int) TIMEOUT.toMillis());
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + base().getPath() + pathAndQuery + " HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\n"
                    + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
