package org.ssehub.publish;

/**
 * A CDI event that asks for {@code data} to be published on {@code topic} as an SSE event named
 * {@code event}. It is delivered after the firing transaction commits, so a rollback publishes nothing.
 */
public record Publication(String topic, String event, String data) {
}
