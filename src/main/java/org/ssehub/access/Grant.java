package org.ssehub.access;

import java.time.Instant;
import java.util.List;
import org.ssehub.topics.TopicNames;

/** What a verified JWT allows: the topic patterns of one of its claims, until it expires. */
public record Grant(List<String> patterns, Instant expires) {

    public boolean covers(String topic) {
        return patterns.stream().anyMatch(pattern -> TopicNames.matches(pattern, topic));
    }
}
