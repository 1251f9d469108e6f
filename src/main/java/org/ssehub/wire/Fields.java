package org.ssehub.wire;

/** The rule for single-line fields: {@code id}, {@code event} and comments never carry CR, LF or NUL onto the wire. */
public final class Fields {

    private Fields() {
    }

    /** Whether {@code value} can be written as one field line. */
    public static boolean isValid(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\r' || c == '\n' || c == '\0') {
                return false;
            }
        }
        return true;
    }

    static String requireValid(String value, String field) {
        if (value == null || !isValid(value)) {
            throw new IllegalArgumentException(field + " must be one line without CR, LF or NUL");
        }
        return value;
    }
}
