package org.ssehub.topics;

import jakarta.ws.rs.BadRequestException;
import java.util.regex.Pattern;

/** The one rule for topic names, for subscribing and publishing alike, and for the patterns that name several. */
public final class TopicNames {

    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    /** {@code *}, a topic name, or a topic name followed by {@code .*}: nothing that matches more than it seems to. */
    private static final Pattern PATTERN = Pattern.compile("\\*|[A-Za-z0-9][A-Za-z0-9._-]{0,63}|[A-Za-z0-9][A-Za-z0-9._-]{0,61}\\.\\*");
    public static final String PATTERN_RULE = "*, a topic name or a name followed by .*";

    private TopicNames() {
    }

    public static String requireValid(String name) {
        if (name == null || !VALID.matcher(name).matches()) {
            throw new BadRequestException("topic names are 1 to 64 characters of A-Z a-z 0-9 . _ - starting with a letter or digit");
        }
        return name;
    }

    public static boolean isPattern(String text) {
        return PATTERN.matcher(text).matches();
    }

    /** {@code *} matches every topic, {@code news.*} every topic whose name starts with {@code news.}, a name itself. */
    public static boolean matches(String pattern, String topic) {
        if (pattern.equals("*")) {
            return true;
        }
        if (pattern.endsWith(".*")) {
            return topic.startsWith(pattern.substring(0, pattern.length() - 1));
        }
        return pattern.equals(topic);
    }
}
