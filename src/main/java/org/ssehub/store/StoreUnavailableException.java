package org.ssehub.store;

/** The store cannot keep or read events now (Redis is unreachable, slow or failing); try again later. */
public final class StoreUnavailableException extends RuntimeException {
    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
