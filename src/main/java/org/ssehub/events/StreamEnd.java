package org.ssehub.events;

import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;

/**
 * Tells a subscriber when the container has ended its request (client gone, error, timeout, completion).
 * JAX-RS runtimes do not: Jersey keeps writing to a sink whose response Tomcat has already recycled for another
 * connection, which ends that other client's stream. After this fires, the subscriber never touches its sink.
 */
public final class StreamEnd implements AsyncListener {

    static final String ATTRIBUTE = StreamEnd.class.getName();

    private Subscriber subscriber;
    private boolean ended;

    /** Binds the request's subscriber; one whose request already ended is told at once. */
    void attach(Subscriber attached) {
        boolean endedAlready;
        synchronized (this) {
            subscriber = attached;
            endedAlready = ended;
        }
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
