package org.ssehub.topics;

import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.SseBroadcaster;
import jakarta.ws.rs.sse.SseEventSink;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.ssehub.events.DisconnectReason;
import org.ssehub.events.Subscriber;
import org.ssehub.events.SubscriberEndedException;
import org.ssehub.wire.Frame;

/**
 * The broadcaster of one topic. The runtimes' own cannot isolate a slow client: Jersey's drops a subscriber after
 * 256 buffered events and may then lose events of healthy ones, RESTEasy's chains every send behind the one before,
 * so a stalled client holds up all that registered after it. This one only queues the event, serialised once, to
 * each {@link Subscriber} and returns; writer threads send it. It feeds sse-hub's own subscribers only.
 * <p>
 * A subscriber that ends is dropped and reported to {@code onError} (if it failed) and {@code onClose}. Closing the
 * broadcaster ends no stream that another topic still feeds: a subscriber is only released from this topic, and ends
 * when no topic feeds it any more.
 */
public final class TopicBroadcaster implements SseBroadcaster, Subscriber.Feed {

    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    private final Executor writers;
    private final Set<Subscriber> subscribers = ConcurrentHashMap.newKeySet();
    private final List<Consumer<SseEventSink>> onClose = new CopyOnWriteArrayList<>();
    private final List<BiConsumer<SseEventSink, Throwable>> onError = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    TopicBroadcaster(Executor writers) {
        this.writers = writers;
    }

    @Override
    public void register(SseEventSink sink) {
        if (!(sink instanceof Subscriber subscriber)) {
            throw new IllegalArgumentException("a topic feeds sse-hub's own subscribers");
        }
        if (closed) {
            throw new IllegalStateException("the topic's broadcaster is closed");
        }
        subscribers.add(subscriber);
        if (!subscriber.fedBy(this)) {
            subscribers.remove(subscriber);
        }
    }

    /** Queues {@code event} to every subscriber and returns: it never waits for a client. */
    @Override
    public CompletionStage<?> broadcast(OutboundSseEvent event) {
        if (!(event instanceof Frame frame)) {
            throw new IllegalArgumentException("a topic broadcasts frames that sse-hub serialised itself");
        }
        if (closed) {
            throw new IllegalStateException("the topic's broadcaster is closed");
        }
        Subscriber.sendAll(subscribers, frame, writers);
        return DONE;
    }

    /** The number of subscribers it feeds. */
    int size() {
        return subscribers.size();
    }

    @Override
    public void ended(Subscriber subscriber, DisconnectReason reason) {
        if (subscribers.remove(subscriber)) {
            if (reason.isFailure()) {
                var failure = new SubscriberEndedException(reason);
                onError.forEach(listener -> listener.accept(subscriber, failure));
            }
            onClose.forEach(listener -> listener.accept(subscriber));
        }
    }

    @Override
    public void onError(BiConsumer<SseEventSink, Throwable> onError) {
        this.onError.add(onError);
    }

    @Override
    public void onClose(Consumer<SseEventSink> onClose) {
        this.onClose.add(onClose);
    }

    /** Releases every subscriber from this topic; one that no other topic feeds is closed. */
    @Override
    public void close() {
        close(true);
    }

    /** Releases every subscriber from this topic; with {@code cascading}, one that no other topic feeds is closed. */
    @Override
    public void close(boolean cascading) {
        if (closed) {
            return;
        }
        closed = true;
        for (Subscriber subscriber : new ArrayList<>(subscribers)) {
            subscriber.released(this, cascading);
            ended(subscriber, DisconnectReason.SHUTDOWN);
        }
    }
}
