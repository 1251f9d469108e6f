package org.ssehub.wire;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * One block of the event stream, serialised once when it is built and then written to every subscriber.
 * Jersey writes {@link #body()} through {@link FrameWriter}. RESTEasy always uses its own writer, which reads
 * the getters, drops empty data lines and writes the event name raw; so for an event the name getter carries
 * the whole block after {@code event: } (name, id and data lines, each validated or split here) and the other
 * getters are empty, which makes RESTEasy write exactly {@link #body()} too.
 */
public final class Frame implements OutboundSseEvent {

    private static final Pattern LINE_BREAK = Pattern.compile("\r\n|\r|\n");

    private final String id;
    private final String name;
    private final String data;
    private final String comment;
    private final long retryMillis;
    private final byte[] body;
    private final String restEasyName;

    private Frame(String id, String name, String data, String comment, long retryMillis) {
        this.id = id;
        this.name = name;
        this.data = data;
        this.comment = comment;
        this.retryMillis = retryMillis;
        String block = serialise();
        this.body = block.getBytes(StandardCharsets.UTF_8);
        this.restEasyName = name == null ? null : block.substring("event: ".length(), block.length() - 1);
    }

    /** An event; {@code data} may hold CR, LF or CRLF line breaks, each starts a new {@code data:} line. */
    public static Frame event(String id, String name, String data) {
        return new Frame(Fields.requireValid(id, "id"), Fields.requireValid(name, "event"),
                String.join("\n", LINE_BREAK.split(data, -1)), null, -1);
    }

    /** A comment line: a heartbeat, or the first bytes of a stream. */
    public static Frame comment(String text) {
        return new Frame(null, null, null, Fields.requireValid(text, "comment"), -1);
    }

    /** A comment with the reconnection delay: the start (and the end) of a stream. */
    public static Frame retry(String comment, long retryMillis) {
        return new Frame(null, null, null, Fields.requireValid(comment, "comment"), retryMillis);
    }

    /** The block without its final blank line, which Jersey adds after each chunk. */
    public byte[] body() {
        return body;
    }

    private String serialise() {
        var out = new StringBuilder();
        if (comment != null) {
            out.append(comment.isEmpty() ? ":" : ": " + comment).append('\n');
        }
        if (name != null) {
            out.append("event: ").append(name).append('\n');
        }
        if (id != null) {
            out.append("id: ").append(id).append('\n');
        }
        if (retryMillis >= 0) {
            out.append("retry: ").append(retryMillis).append('\n');
        }
        if (data != null) {
            for (String line : data.split("\n", -1)) {
                out.append("data: ").append(line).append('\n');
            }
        }
        return out.toString();
    }

    /** Carried in {@link #getName()} for RESTEasy; see the class comment. */
    @Override
    public String getId() {
        return null;
    }

    /** For an event: the block after {@code event: } without its last line break; see the class comment. */
    @Override
    public String getName() {
        return restEasyName;
    }


    @Override
    public String getComment() {
        return comment;
    }

    @Override
    public long getReconnectDelay() {
        return retryMillis;
    }

    @Override
    public boolean isReconnectDelaySet() {
        return retryMillis >= 0;
    }

    /** RESTEasy writes the name and retry only when there is a type. */
    @Override
    public Class<?> getType() {
        return name != null || retryMillis >= 0 ? String.class : null;
    }

    @Override
    public Type getGenericType() {
        return getType();
    }

    @Override
    public MediaType getMediaType() {
        return MediaType.TEXT_PLAIN_TYPE;
    }

    /** Carried in {@link #getName()} for RESTEasy; see the class comment. */
    @Override
    public Object getData() {
        return null;
    }

    @Override
    public String toString() {
        return new String(body, StandardCharsets.UTF_8);
    }
}
