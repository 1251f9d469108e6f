package org.ssehub.topics;

import jakarta.ws.rs.BadRequestException;
import java.util.regex.Pattern;

/** The one rule for topic names, for subscribing and publishing alike. */
public final class TopicNames {

    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    private TopicNames() {
    }

    public static String requireValid(String name) {
        if (name == null || !VALID.matcher(name).matches()) {
            throw new BadRequestException("topic names are 1 to 64 characters of A-Z a-z 0-9 . _ - starting with a letter or digit");
        }
        return name;
    }
}
