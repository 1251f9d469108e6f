package org.ssehub.publish;

import jakarta.ws.rs.BadRequestException;

/** The rule for event names: 1 to 64 characters, no control characters (so none can break a line), not {@code reset}. */
final class EventNames {

    static final String RESET = "reset";

    private EventNames() {
    }

    static String requireValid(String name) {
        if (name.isEmpty() || name.length() > 64 || name.chars().anyMatch(Character::isISOControl)) {
            throw new BadRequestException("event names are 1 to 64 characters without control characters (CR, LF, NUL, ...)");
        }
        if (name.equals(RESET)) {
            throw new BadRequestException("\"reset\" is reserved for the server");
        }
        return name;
    }
}
