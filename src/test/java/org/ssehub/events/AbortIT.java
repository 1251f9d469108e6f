package org.ssehub.events;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.ssehub.DeployedWar;
import org.ssehub.ServerThreads;
import org.ssehub.SseStream;

/**
 * 1,000 clients open a stream and abort it mid-stream during a broadcast of about 100 events/s: half close their
 * socket, half reset it. Afterwards the subscriber count is back at its baseline, the writer threads are back to
 * their resting number, no thread is left in sse-hub code and no connection is left half-closed. The clients come
 * in waves of 50 from five addresses, under the test servers' caps (60 streams, 40 per address).
 */
class AbortIT extends DeployedWar {

    private static final int CLIENTS = 1_000;
    private static final int WAVE = 50;
    private static final int ADDRESSES = 5;

    @Test
    void abortedStreamsLeaveNothingBehind() throws Exception {
        String topic = "abort-" + UUID.randomUUID();
        ScheduledExecutorService publisher = Executors.newSingleThreadScheduledExecutor();
        try (SseStream ticker = stream("api/events")) {
            double connections = metric("sse_hub_connections");
            double writers = metric("sse_hub_writer_threads");
            var broadcast = textPublish(topic, "tick");
            AtomicReference<String> publishFailure = new AtomicReference<>("none");
            publisher.scheduleAtFixedRate(() -> {
                try {
                    int status = send(broadcast).statusCode();
                    if (status / 100 != 2) {
                        publishFailure.compareAndSet("none", "a publish answered " + status);
                    }
                } catch (IOException e) {
                    publishFailure.compareAndSet("none", e.toString());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, 0, 10, TimeUnit.MILLISECONDS);

            for (int opened = 0; opened < CLIENTS; opened += WAVE) {
                List<SseStream> wave = new ArrayList<>();
                try {
                    for (int i = 0; i < WAVE; i++) {
                        wave.add(SseStream.openFrom("127.0.0." + (10 + i % ADDRESSES), base(), "api/events?topic=" + topic));
                    }
                    for (SseStream stream : wave) {
                        assertEquals(200, stream.status());
                        try {
                            assertEquals(topic, stream.nextEvent(TIMEOUT).event());
                        } catch (AssertionError noEvent) {
                            throw new AssertionError(noEvent.getMessage() + " after " + opened + " clients; first publish failure: "
                                    + publishFailure.get(), noEvent);
                        }
                    }
                } finally {
                    for (int i = 0; i < wave.size(); i++) {
                        if (i % 2 == 0) {
                            wave.get(i).abort();
                        } else {
                            wave.get(i).close();
                        }
                    }
                }
            }
            publisher.shutdownNow();

            await("the subscriber count back at its baseline", TIMEOUT, ticker,
                    () -> subscribers(topic) == 0 && metric("sse_hub_connections") == connections);
            try {
                await("the writer threads back to " + writers, TIMEOUT, ticker, () -> metric("sse_hub_writer_threads") <= writers);
            } catch (AssertionError busy) {
                throw new AssertionError(busy.getMessage() + "; threads:\n" + ServerThreads.dump().orElse("(server gone)"), busy);
            }
            await("no connection left in CLOSE_WAIT", TIMEOUT, ticker, () -> closeWaits(base().getPort()) == 0);
            ServerThreads.awaitDump(dump -> !dump.contains("org.ssehub."), TIMEOUT, "no thread left in sse-hub code");
        } finally {
            publisher.shutdownNow();
        }
    }

    /** Sockets on {@code port} that the client closed and the server has not: state 08 in /proc/net/tcp and tcp6. */
    private static long closeWaits(int port) throws IOException {
        String local = String.format(Locale.ROOT, ":%04X ", port);
        List<String> sockets = new ArrayList<>(Files.readAllLines(Path.of("/proc/net/tcp")));
        sockets.addAll(Files.readAllLines(Path.of("/proc/net/tcp6")));
        return sockets.stream()
                .map(String::trim)
                .map(line -> line.split("\\s+"))
                .filter(fields -> fields.length > 3 && (fields[1] + " ").endsWith(local) && fields[3].equals("08"))
                .count();
    }
}
