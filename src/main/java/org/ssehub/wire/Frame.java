package org.ssehub.wire;

import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/** One block of the event stream, serialised once when it is built and then written to every subscriber. */
public final class Frame {

    private static final Pattern LINE_BREAK = Pattern.compile("\r\n|\r|\n");

    private final byte[] bytes;

    private Frame(String block) {
        this.bytes = (block + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /** An event; {@code data} may hold CR, LF or CRLF line breaks, each starts a new {@code data:} line. */
    public static Frame event(String id, String name, String data) {
        var block = new StringBuilder()
                .append("event: ").append(Fields.requireValid(name, "event")).append('\n')
                .append("id: ").append(Fields.requireValid(id, "id")).append('\n');
        for (String line : LINE_BREAK.split(data, -1)) {
            block.append("data: ").append(line).append('\n');
        }
        return new Frame(block.toString());
    }

    /** A comment line: a heartbeat, or the first bytes of a stream. */
    public static Frame comment(String text) {
        return new Frame(commentLine(text));
    }

    /** A comment with the reconnection delay: the start (and the end) of a stream. */
    public static Frame retry(String comment, long retryMillis) {
        return new Frame(commentLine(comment) + "retry: " + retryMillis + "\n");
    }

    private static String commentLine(String text) {
        return Fields.requireValid(text, "comment").isEmpty() ? ":\n" : ": " + text + "\n";
    }

    /** The block as written, ending in the blank line that dispatches it. */
    public byte[] bytes() {
        return bytes;
    }

    @Override
    public String toString() {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
