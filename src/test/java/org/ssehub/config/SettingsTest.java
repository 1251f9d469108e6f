package org.ssehub.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SettingsTest {

    @Test
    void defaultsWhenNothingIsSet() {
        Settings settings = Settings.from(name -> null);
        assertEquals(List.of(), settings.allowedOrigins());
        assertEquals(Duration.ofSeconds(15), settings.heartbeat());
        assertEquals(3000, settings.retryMillis());
        assertEquals(Duration.ofSeconds(1), settings.tickerPeriod());
        assertEquals(32, settings.maxTopicsPerSubscription());
        assertEquals(1000, settings.queueSize());
        assertEquals(1000, settings.historySize());
        assertEquals(Duration.ofHours(1), settings.historyAge());
    }

    @Test
    void readsEachSetting() {
        Map<String, String> env = Map.of(
                "SSE_ALLOWED_ORIGINS", " https://a.example , https://b.example:8443,",
                "SSE_HEARTBEAT_SECONDS", "5",
                "SSE_RETRY_MILLIS", "1500",
                "SSE_TICKER_MILLIS", "250",
                "SSE_MAX_TOPICS_PER_SUBSCRIPTION", "4",
                "SSE_QUEUE_SIZE", "64",
                "SSE_HISTORY_SIZE", "10",
                "SSE_HISTORY_SECONDS", "60");
        Settings settings = Settings.from(env::get);
        assertEquals(List.of("https://a.example", "https://b.example:8443"), settings.allowedOrigins());
        assertEquals(Duration.ofSeconds(5), settings.heartbeat());
        assertEquals(1500, settings.retryMillis());
        assertEquals(Duration.ofMillis(250), settings.tickerPeriod());
        assertEquals(4, settings.maxTopicsPerSubscription());
        assertEquals(64, settings.queueSize());
        assertEquals(10, settings.historySize());
        assertEquals(Duration.ofMinutes(1), settings.historyAge());
    }

    @Test
    void aRedisUrlIsRedisOrRedissWithAHostAndIsKeptOutOfTheLog() {
        Settings settings = Settings.from(Map.of("SSE_REDIS_URL", "rediss://:s3cret@redis.example:6380/0",
                "SSE_REDIS_TIMEOUT_MILLIS", "250")::get);
        assertEquals("rediss://:s3cret@redis.example:6380/0", settings.redisUrl());
        assertEquals(Duration.ofMillis(250), settings.redisTimeout());
        assertTrue(!settings.toString().contains("s3cret"), settings.toString());
        assertEquals(null, Settings.from(name -> null).redisUrl());
        assertEquals(Duration.ofSeconds(2), Settings.from(name -> null).redisTimeout());
        for (String bad : new String[] {"http://redis.example", "redis:/nohost", "127.0.0.1:6379", "redis://:s3cret@"}) {
            var error = assertThrows(IllegalArgumentException.class, () -> Settings.from(Map.of("SSE_REDIS_URL", bad)::get));
            assertTrue(error.getMessage().contains("SSE_REDIS_URL") && !error.getMessage().contains("s3cret"), error.getMessage());
        }
    }

    @Test
    void metricsTopicsAreTopicPatterns() {
        assertEquals(List.of("orders", "news.*", "*"),
                Settings.from(Map.of("SSE_METRICS_TOPICS", "orders, news.*,*")::get).metricsTopics());
        for (String bad : new String[] {"news*", ".*", "a b", "news.*.x"}) {
            var error = assertThrows(IllegalArgumentException.class, () -> Settings.from(Map.of("SSE_METRICS_TOPICS", bad)::get));
            assertTrue(error.getMessage().contains("SSE_METRICS_TOPICS"), error.getMessage());
        }
    }

    @Test
    void privateTopicsArePatternsAndTheSessionCookieAPlainName() {
        Settings defaults = Settings.from(name -> null);
        assertEquals(List.of(), defaults.privateTopics());
        assertEquals("sse_token", defaults.sessionCookie());
        Settings set = Settings.from(Map.of("SSE_PRIVATE_TOPICS", "orders.*, billing", "SSE_SESSION_COOKIE", "__Host-hub")::get);
        assertEquals(List.of("orders.*", "billing"), set.privateTopics());
        assertEquals("__Host-hub", set.sessionCookie());
        for (var bad : List.of(Map.of("SSE_PRIVATE_TOPICS", "orders*"), Map.of("SSE_SESSION_COOKIE", "a;b"),
                Map.of("SSE_SESSION_COOKIE", "a b"))) {
            var error = assertThrows(IllegalArgumentException.class, () -> Settings.from(bad::get));
            assertTrue(error.getMessage().contains(bad.keySet().iterator().next()), error.getMessage());
        }
    }

    @Test
    void aBadNumberNamesTheSetting() {
        for (String bad : new String[] {"0", "-1", "1s", "ten", "86400001", "99999999999999999999"}) {
            var error = assertThrows(IllegalArgumentException.class,
                    () -> Settings.from(Map.of("SSE_TICKER_MILLIS", bad)::get));
            assertTrue(error.getMessage().contains("SSE_TICKER_MILLIS"), error.getMessage());
        }
    }

    @Test
    void aSystemPropertyIsReadInLowerCaseWithDotsAndWinsOverTheDeployment() {
        Map<String, String> webXml = Map.of("SSE_QUEUE_SIZE", "9", "SSE_HISTORY_SIZE", "11");
        System.setProperty("sse.queue.size", "7");
        try {
            Settings settings = Settings.fromSystem(webXml::get);
            assertEquals(7, settings.queueSize());
            assertEquals(11, settings.historySize(), "what no property or variable sets comes from the deployment");
        } finally {
            System.clearProperty("sse.queue.size");
        }
    }
}
