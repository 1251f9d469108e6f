package org.ssehub.publish;

/**
 * A CDI event that asks for {@code data} to be published on {@code topic} as an SSE event named
 * {@code event}. It is delivered after the firing transaction commits, so a rollback publishes nothing. In a cluster,
 * of the publications that name the same {@code once} key (null: none), only the first is published: for what every
 * node publishes on its own, such as the ticker.
 */
public record Publication(String topic, String event, String data, String once) {

    public Publication(String topic, String event, String data) {
        this(topic, event, data, null);
    }
}
