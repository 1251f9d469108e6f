package org.ssehub.topics;

/** What {@code GET /api/topics} tells about one topic. */
public record TopicStats(String topic, int subscribers, String lastId) {
}
