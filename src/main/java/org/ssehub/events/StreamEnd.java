package org.ssehub.events;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;

/**
 * Tells a subscriber when the container has ended its request (client gone, error, timeout, completion).
 * JAX-RS runtimes do not: Jersey keeps writing to a sink whose response Tomcat has already recycled for another
 * connection, which ends that other client's stream. After this fires, the subscriber never touches its sink.
 * The other way round, it ends a request whose write failed: not every runtime does (Payara keeps the connection
 * of a write that timed out open), and the client must see its stream end to reconnect.
 */
public final class StreamEnd implements AsyncListener {

    static final String ATTRIBUTE = StreamEnd.class.getName();

    private Subscriber subscriber;
    private AsyncContext context;
    private boolean ended;

    /** Listens to the request's asynchronous life. */
    synchronized void watch(AsyncContext async) {
        context = async;
        async.addListener(this);
    }

    /** Ends the request unless the container already has; its listeners then tell the subscriber. */
    synchronized void abort() {
        if (!ended && context != null) {
            try {
                context.complete();
            } catch (IllegalStateException endedMeanwhile) {
                ended = true;
            }
        }
    }

    /** Binds the request's subscriber; one whose request already ended is told at once. */
    void attach(Subscriber attached) {
        boolean endedAlready;
        synchronized (this) {
            subscriber = attached;
            endedAlready = ended;
        }
        attached.onWriteFailure(this::abort);
        if (endedAlready) {
            attached.requestEnded();
        }
    }

    void end() {
        Subscriber attached;
        synchronized (this) {
            ended = true;
            attached = subscriber;
        }
        if (attached != null) {
            attached.requestEnded();
        }
    }

    @Override
    public void onComplete(AsyncEvent event) {
        end();
    }

    @Override
    public void onError(AsyncEvent event) {
        end();
    }

    @Override
    public void onTimeout(AsyncEvent event) {
        end();
    }

    @Override
    public void onStartAsync(AsyncEvent event) {
        event.getAsyncContext().addListener(this);
    }
}
