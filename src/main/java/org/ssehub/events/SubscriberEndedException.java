package org.ssehub.events;

/** Why a subscriber's stream failed, as its broadcasters report it to their {@code onError} listeners. */
public final class SubscriberEndedException extends Exception {

    private final DisconnectReason reason;

    public SubscriberEndedException(DisconnectReason reason) {
        super("the stream ended: " + reason.label(), null, false, false);
        this.reason = reason;
    }

    public DisconnectReason reason() {
        return reason;
    }
}
