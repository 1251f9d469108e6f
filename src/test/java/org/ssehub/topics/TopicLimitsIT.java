package org.ssehub.topics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.ssehub.DeployedWar;
import org.ssehub.SseStream;

/**
 * {@code SSE_MAX_TOPICS} (500 on the test servers) bounds the topics alive at once: past it, a stream that would bring
 * new topics to life gets 503 with {@code Retry-After}, and so does a publish to a new topic, while topics in use still
 * take events. Topics nobody reads and that keep no events are forgotten, which makes room again.
 */
class TopicLimitsIT extends DeployedWar {

    private static final int MAX_TOPICS = 500;
    private static final int PER_STREAM = 32;

    @Test
    void topicsPastTheLimitAreRefusedUntilUnusedOnesAreForgotten() throws Exception {
        List<SseStream> streams = new ArrayList<>();
        try (SseStream ticker = stream("api/events")) {
            String used = null;
            SseStream last = null;
            for (int i = 0; i <= MAX_TOPICS / PER_STREAM && (last == null || last.status() == 200); i++) {
                List<String> topics = freshTopics(PER_STREAM);
                last = SseStream.openFrom("127.0.0.40", base(), query(topics));
                streams.add(last);
                if (last.status() == 200) {
                    used = topics.get(0);
                }
            }
            SseStream refused = streams.get(streams.size() - 1);
            assertEquals(503, refused.status(), "more than " + MAX_TOPICS + " topics were let in");
            assertTrue(refused.header("content-type").startsWith("application/problem+json"));
            assertTrue(Long.parseLong(refused.header("retry-after")) >= 1);
            for (int size = PER_STREAM / 2; size >= 1; size /= 2) {
                streams.add(SseStream.openFrom("127.0.0.41", base(), query(freshTopics(size))));
            }

            HttpResponse<String> publishToNew = send(textPublish("new-" + UUID.randomUUID(), "x"));
            assertEquals(503, publishToNew.statusCode(), publishToNew.body());
            assertTrue(publishToNew.headers().firstValue("retry-after").isPresent());
            assertEquals(201, send(textPublish(used, "x")).statusCode(), "a topic in use still takes events");

            for (SseStream stream : streams) {
                stream.close();
            }
            await("room for new topics once the unused ones are forgotten", TIMEOUT, ticker, () -> {
                try (SseStream again = SseStream.openFrom("127.0.0.40", base(), query(freshTopics(PER_STREAM)))) {
                    return again.status() == 200;
                }
            });
        } finally {
            for (SseStream stream : streams) {
                stream.close();
            }
        }
    }

    @Test
    void theTopicListComesInPages() throws Exception {
        String run = "paged-" + UUID.randomUUID().toString().substring(0, 8);
        for (int i = 0; i < 3; i++) {
            assertEquals(201, send(textPublish(run + "-" + i, "x")).statusCode());
        }
        HttpResponse<String> first = get("api/topics?limit=2&after=" + run);
        assertEquals(200, first.statusCode(), first.body());
        assertTrue(first.body().contains(run + "-0") && first.body().contains(run + "-1") && !first.body().contains(run + "-2"),
                first.body());
        String link = first.headers().firstValue("link").orElseThrow();
        assertTrue(link.contains("rel=\"next\"") && link.contains("after=" + run + "-1"), link);
        for (String bad : List.of("0", "1001", "x")) {
            HttpResponse<String> refused = get("api/topics?limit=" + bad);
            assertEquals(400, refused.statusCode(), refused.body());
            assertTrue(refused.headers().firstValue("content-type").orElseThrow().startsWith("application/problem+json"));
        }
    }

    private static List<String> freshTopics(int count) {
        String run = UUID.randomUUID().toString().substring(0, 8);
        return IntStream.range(0, count).mapToObj(i -> "many-" + run + "-" + i).toList();
    }

    private static String query(List<String> topics) {
        return "api/events?topic=" + String.join("&topic=", topics);
    }
}
