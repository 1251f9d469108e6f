package org.ssehub.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.ssehub.config.Settings;

class ReadersTest {

    private static final String SECRET = "a-test-secret-of-at-least-32-bytes!!";

    @Test
    void privateTopicsWithoutAKeyStopTheDeployment() {
        var error = assertThrows(IllegalArgumentException.class, () -> readers(Map.of("SSE_PRIVATE_TOPICS", "orders.*")));
        assertTrue(error.getMessage().contains("SSE_JWT_SECRET"), error.getMessage());
    }

    @Test
    void aTopicIsPrivateIfAPatternMatchesIt() {
        Readers readers = readers(Map.of("SSE_PRIVATE_TOPICS", "news.*,billing", "SSE_JWT_SECRET", SECRET));
        assertTrue(readers.isPrivate("news.sport"));
        assertTrue(readers.isPrivate("billing"));
        assertFalse(readers.isPrivate("news"));
        assertFalse(readers.isPrivate("newsroom"));
        assertFalse(readers.isPrivate("billing.x"));
    }

    @Test
    void aGrantCoversWhatItsPatternsMatch() {
        Grant grant = new Grant(List.of("news.*", "weather"), java.time.Instant.now());
        assertEquals(List.of(true, true, false, false),
                List.of(grant.covers("news.sport"), grant.covers("weather"), grant.covers("newsroom"), grant.covers("weather.x")));
    }

    private static Readers readers(Map<String, String> env) {
        var readers = new Readers();
        readers.settings = Settings.from(env::get);
        readers.jwts = Jwts.of(readers.settings);
        readers.start();
        return readers;
    }
}
