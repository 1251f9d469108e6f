package org.ssehub.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.UnaryOperator;
import org.ssehub.topics.TopicNames;
import org.ssehub.web.ClientAddresses;

/**
 * The {@code SSE_*} settings, read once at deployment. Each comes from a system property with the same
 * name in lower case with dots ({@code sse.ticker.millis}), or else from the environment variable, or else from a
 * context parameter of the deployment's {@code web.xml}.
 */
public record Settings(
        List<String> allowedOrigins,
        Duration heartbeat,
        long retryMillis,
        Duration tickerPeriod,
        int maxTopicsPerSubscription,
        int queueSize,
        Duration writeTimeout,
        int historySize,
        Duration historyAge,
        int maxPayloadBytes,
        String publishToken,
        String jwtSecret,
        String jwtPublicKey,
        int maxConnections,
        int maxConnectionsPerClient,
        long historyMaxBytes,
        int maxTopics,
        String jwtAudience,
        String jwtIssuer,
        Duration jwtMaxLifetime,
        Duration jwtClockSkew,
        int connectsPerClientPerSecond,
        int connectsBurst,
        Duration maxStreamLifetime,
        String redisUrl,
        Duration redisTimeout,
        List<String> trustedProxies,
        String metricsToken,
        List<String> metricsTopics,
        List<String> privateTopics,
        String sessionCookie) {

    public static Settings from(UnaryOperator<String> source) {
        var reader = new Reader(source);
        return new Settings(
                reader.list("SSE_ALLOWED_ORIGINS"),
                Duration.ofSeconds(reader.positive("SSE_HEARTBEAT_SECONDS", 15, 3600)),
                reader.positive("SSE_RETRY_MILLIS", 3000, 3_600_000),
                Duration.ofMillis(reader.positive("SSE_TICKER_MILLIS", 1000, 86_400_000)),
                (int) reader.positive("SSE_MAX_TOPICS_PER_SUBSCRIPTION", 32, 1024),
                (int) reader.positive("SSE_QUEUE_SIZE", 1000, 1_000_000),
                Duration.ofMillis(reader.positive("SSE_WRITE_TIMEOUT_MILLIS", 5000, 600_000)),
                (int) reader.positive("SSE_HISTORY_SIZE", 1000, 1_000_000),
                Duration.ofSeconds(reader.positive("SSE_HISTORY_SECONDS", 3600, 7 * 86_400)),
                (int) reader.positive("SSE_MAX_PAYLOAD_BYTES", 65_536, 16 * 1024 * 1024),
                reader.text("SSE_PUBLISH_TOKEN"),
                reader.text("SSE_JWT_SECRET"),
                reader.text("SSE_JWT_PUBLIC_KEY"),
                (int) reader.positive("SSE_MAX_CONNECTIONS", 10_000, 1_000_000),
                (int) reader.positive("SSE_MAX_CONNECTIONS_PER_CLIENT", 100, 1_000_000),
                reader.positive("SSE_HISTORY_MAX_BYTES", 64L << 20, 1L << 40),
                (int) reader.positive("SSE_MAX_TOPICS", 10_000, 10_000_000),
                reader.text("SSE_JWT_AUDIENCE"),
                reader.text("SSE_JWT_ISSUER"),
                Duration.ofSeconds(reader.positive("SSE_JWT_MAX_LIFETIME_SECONDS", 86_400, 366 * 86_400)),
                Duration.ofSeconds(reader.positive("SSE_JWT_CLOCK_SKEW_SECONDS", 60, 3600)),
                (int) reader.positive("SSE_CONNECTS_PER_CLIENT_PER_SECOND", 20, 1_000_000),
                (int) reader.positive("SSE_CONNECTS_BURST", 100, 1_000_000),
                Duration.ofSeconds(reader.positive("SSE_MAX_STREAM_SECONDS", 4 * 3600, 7 * 86_400)),
                reader.redisUrl("SSE_REDIS_URL"),
                Duration.ofMillis(reader.positive("SSE_REDIS_TIMEOUT_MILLIS", 2000, 60_000)),
                reader.trustedProxies("SSE_TRUSTED_PROXIES"),
                reader.token("SSE_METRICS_TOKEN"),
                reader.topicPatterns("SSE_METRICS_TOPICS"),
                reader.topicPatterns("SSE_PRIVATE_TOPICS"),
                reader.cookieName("SSE_SESSION_COOKIE", "sse_token"));
    }

    /** Secrets stay out of logs. */
    @Override
    public String toString() {
        return "Settings[allowedOrigins=" + allowedOrigins + ", heartbeat=" + heartbeat + ", retryMillis=" + retryMillis
                + ", tickerPeriod=" + tickerPeriod + ", maxTopicsPerSubscription=" + maxTopicsPerSubscription
                + ", queueSize=" + queueSize + ", writeTimeout=" + writeTimeout + ", historySize=" + historySize + ", historyAge=" + historyAge
                + ", maxPayloadBytes=" + maxPayloadBytes + ", publishToken=" + (publishToken == null ? "unset" : "set")
                + ", jwtSecret=" + (jwtSecret == null ? "unset" : "set")
                + ", jwtPublicKey=" + (jwtPublicKey == null ? "unset" : "set") + ", maxConnections=" + maxConnections
                + ", maxConnectionsPerClient=" + maxConnectionsPerClient + ", historyMaxBytes=" + historyMaxBytes
                + ", maxTopics=" + maxTopics + ", jwtAudience=" + jwtAudience + ", jwtIssuer=" + jwtIssuer
                + ", jwtMaxLifetime=" + jwtMaxLifetime + ", jwtClockSkew=" + jwtClockSkew
                + ", connectsPerClientPerSecond=" + connectsPerClientPerSecond + ", connectsBurst=" + connectsBurst
                + ", maxStreamLifetime=" + maxStreamLifetime + ", redisUrl=" + (redisUrl == null ? "unset" : "set")
                + ", redisTimeout=" + redisTimeout + ", trustedProxies=" + trustedProxies
                + ", metricsToken=" + (metricsToken == null ? "unset" : "set") + ", metricsTopics=" + metricsTopics
                + ", privateTopics=" + privateTopics + ", sessionCookie=" + sessionCookie + "]";
    }

    /** A system property first, then the environment, then what the deployment says ({@code deployment}). */
    public static Settings fromSystem(UnaryOperator<String> deployment) {
        return from(name -> {
            String property = System.getProperty(name.toLowerCase(Locale.ROOT).replace('_', '.'));
            if (property != null) {
                return property;
            }
            String variable = System.getenv(name);
            return variable != null ? variable : deployment.apply(name);
        });
    }

    private record Reader(UnaryOperator<String> source) {

        List<String> list(String name) {
            String value = source.apply(name);
            if (value == null || value.isBlank()) {
                return List.of();
            }
            return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
        }

        /** IP addresses and CIDR ranges, each checked. */
        List<String> trustedProxies(String name) {
            List<String> entries = list(name);
            entries.forEach(ClientAddresses.Cidr::parse);
            return entries;
        }

        /** Topic patterns, each checked. */
        List<String> topicPatterns(String name) {
            List<String> patterns = list(name);
            for (String pattern : patterns) {
                if (!TopicNames.isPattern(pattern)) {
                    throw new IllegalArgumentException(name + " holds '" + pattern + "', which is not " + TopicNames.PATTERN_RULE);
                }
            }
            return patterns;
        }

        /** A cookie name: letters, digits, {@code _ . -}, so that {@code __Host-} names work too. */
        String cookieName(String name, String defaultValue) {
            String value = text(name);
            if (value == null) {
                return defaultValue;
            }
            if (!value.matches("[A-Za-z0-9_.-]{1,64}")) {
                throw new IllegalArgumentException(name + " must be 1 to 64 of A-Z a-z 0-9 _ . -, was '" + value + "'");
            }
            return value;
        }

        /** A bearer token of at least 16 characters, or null if unset. */
        String token(String name) {
            String value = text(name);
            if (value != null && value.length() < 16) {
                throw new IllegalArgumentException(name + " must be at least 16 characters");
            }
            return value;
        }

        /** The value, or null if unset or blank. */
        String text(String name) {
            String value = source.apply(name);
            return value == null || value.isBlank() ? null : value.trim();
        }

        /** A {@code redis://} or {@code rediss://} URL with a host, or null if unset. */
        String redisUrl(String name) {
            String value = text(name);
            if (value == null) {
                return null;
            }
            try {
                var uri = new URI(value);
                if (("redis".equals(uri.getScheme()) || "rediss".equals(uri.getScheme())) && uri.getHost() != null) {
                    return value;
                }
            } catch (URISyntaxException e) {
                // reported below with the name of the setting
            }
            throw new IllegalArgumentException(name + " must be a redis:// or rediss:// URL with a host");
        }

        long positive(String name, long defaultValue, long max) {
            String value = source.apply(name);
            if (value == null || value.isBlank()) {
                return defaultValue;
            }
            try {
                long parsed = Long.parseLong(value.trim());
                if (parsed > 0 && parsed <= max) {
                    return parsed;
                }
            } catch (NumberFormatException e) {
                // reported below with the name of the setting
            }
            throw new IllegalArgumentException(name + " must be a whole number from 1 to " + max + ", was '" + value + "'");
        }
    }
}
