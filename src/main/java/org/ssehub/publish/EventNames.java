package org.ssehub.publish;

import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.ForbiddenException;
import java.util.Set;
import org.ssehub.ticker.Ticker;

/**
 * The rule for event names: 1 to 64 characters, no control characters (so none can break a line). The names the hub
 * sends itself, {@code reset}, {@code expired} and {@code ticker}, are reserved, so no publisher can pass for the hub.
 */
final class EventNames {

    static final Set<String> RESERVED = Set.of("reset", "expired", Ticker.TOPIC);

    private EventNames() {
    }

    static String requireValid(String name) {
        if (name.isEmpty() || name.length() > 64 || name.chars().anyMatch(Character::isISOControl)) {
            throw new BadRequestException("event names are 1 to 64 characters without control characters (CR, LF, NUL, ...)");
        }
        if (RESERVED.contains(name)) {
            throw new ForbiddenException("the event name \"" + name + "\" is reserved for the hub");
        }
        return name;
    }
}
