package org.ssehub.wire;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * One or more blocks of the event stream, serialised once when built and then sent as they are to every subscriber
 * through the runtime's {@code SseEventSink}. On Jersey, {@link FrameWriter} writes the bytes. RESTEasy ignores an
 * application's writer for {@code OutboundSseEvent} and writes the fields itself (empty data lines dropped, names
 * written raw), so a frame also answers the getters with what makes RESTEasy's writer produce the same bytes: an
 * event frame carries everything after {@code "event: "} in its name, which RESTEasy writes unchanged; a comment
 * frame carries its comment and {@code retry}, which RESTEasy writes as such. Byte tests on every runtime pin this.
 */
public final class Frame implements OutboundSseEvent {

    private static final Pattern LINE_BREAK = Pattern.compile("\r\n|\r|\n");
    private static final String EVENT_LEAD = "event: ";

    private final byte[] bytes;
    /** The comment of a comment frame, or null for events. */
    private final String comment;
    private final long retryMillis;
    /** The hub's id of an event it numbered, or -1. */
    private final long sequence;
    /** How many events the frame holds: 0 for a comment. */
    private final int events;
    /** When the hub took the (first) event in, on the clock of {@link System#nanoTime()}. */
    private final long takenInNanos;
    /** What is told of this event's fate, or null. */
    private final Tally tally;
    /** The parts of a joined frame that have a tally, or null if none has. */
    private final List<Frame> tallied;

    /** Told what becomes of the events of a frame: see {@link #tallied(Tally)}. */
    public interface Tally {
        void written(int events);

        void dropped(int events);
    }

    private Frame(byte[] bytes, String comment, long retryMillis) {
        this(bytes, comment, retryMillis, -1, 0, System.nanoTime(), null, null);
    }

    private Frame(byte[] bytes, String comment, long retryMillis, long sequence, int events, long takenInNanos, Tally tally,
            List<Frame> tallied) {
        this.bytes = bytes;
        this.comment = comment;
        this.sequence = sequence;
        this.retryMillis = retryMillis;
        this.events = events;
        this.takenInNanos = takenInNanos;
        this.tally = tally;
        this.tallied = tallied;
    }

    /** An event; {@code data} may hold CR, LF or CRLF line breaks, each starts a new {@code data:} line. */
    public static Frame event(String id, String name, String data) {
        return event(name, data).withId(id);
    }

    /** An event serialised but for its id, so that numbering it is a copy: see {@link Unnumbered}. */
    public static Unnumbered event(String name, String data) {
        return new Unnumbered(utf8(EVENT_LEAD + Fields.requireValid(name, "event") + "\nid: "), utf8(dataLines(data)));
    }

    /** An event without an id, such as {@code expired}: the client's last event id stays what it was. */
    public static Frame withoutId(String name, String data) {
        byte[] bytes = utf8(new StringBuilder(EVENT_LEAD).append(Fields.requireValid(name, "event")).append('\n').append(dataLines(data)));
        return new Frame(bytes, null, -1, -1, 1, System.nanoTime(), null, null);
    }

    private static StringBuilder dataLines(String data) {
        var block = new StringBuilder();
        for (String line : LINE_BREAK.split(data, -1)) {
            block.append("data: ").append(line).append('\n');
        }
        return block.append('\n');
    }

    /**
     * An event without its id: the costly part of serialising (splitting the data into lines, encoding) done before
     * the hub takes the lock under which it numbers events.
     */
    public static final class Unnumbered {
        private final byte[] head;
        private final byte[] data;

        private Unnumbered(byte[] head, byte[] data) {
            this.head = head;
            this.data = data;
        }

        /** The bytes of the frame but for its id. */
        public int length() {
            return head.length + data.length + 1;
        }

        /** The frame as the hub numbered it, with {@code sequence} as its id. */
        public Frame withId(long sequence) {
            return withId(Long.toString(sequence), sequence);
        }

        public Frame withId(String id) {
            return withId(id, -1);
        }

        private Frame withId(String id, long sequence) {
            byte[] number = utf8(Fields.requireValid(id, "id"));
            byte[] bytes = new byte[length() + number.length];
            System.arraycopy(head, 0, bytes, 0, head.length);
            System.arraycopy(number, 0, bytes, head.length, number.length);
            bytes[head.length + number.length] = '\n';
            System.arraycopy(data, 0, bytes, head.length + number.length + 1, data.length);
            return new Frame(bytes, null, -1, sequence, 1, System.nanoTime(), null, null);
        }

        /** The text before the id and the text after it, to keep elsewhere and number there with {@link #of}. */
        public List<String> parts() {
            return List.of(new String(head, StandardCharsets.UTF_8), new String(data, StandardCharsets.UTF_8));
        }

        /** An event from the {@link #parts()} of one serialised before. */
        public static Unnumbered of(String head, String data) {
            return new Unnumbered(utf8(head), utf8(data));
        }
    }

    /** A comment line: a heartbeat, or the first bytes of a stream. */
    public static Frame comment(String text) {
        return new Frame(utf8(commentLine(text).append('\n')), text, -1);
    }

    /** A comment with the reconnection delay: the start (and the end) of a stream. */
    public static Frame retry(String comment, long retryMillis) {
        return new Frame(utf8(commentLine(comment).append("retry: ").append(retryMillis).append("\n\n")), comment,
                retryMillis);
    }

    /** Event frames written as one: one send, one write and one flush for all of them. */
    public static Frame join(List<Frame> events) {
        int length = 0;
        for (Frame event : events) {
            if (!event.isEvent()) {
                throw new IllegalArgumentException("only event frames are joined");
            }
            length += event.bytes.length;
        }
        byte[] joined = new byte[length];
        int at = 0;
        int count = 0;
        List<Frame> tallied = null;
        for (Frame event : events) {
            System.arraycopy(event.bytes, 0, joined, at, event.bytes.length);
            at += event.bytes.length;
            count += event.events;
            if (event.tally != null || event.tallied != null) {
                tallied = tallied == null ? new ArrayList<>() : tallied;
                tallied.add(event);
            }
        }
        return new Frame(joined, null, -1, -1, count, events.get(0).takenInNanos, null, tallied);
    }

    /** This event, with {@code tally} told when it is written to a stream or dropped from one. */
    public Frame tallied(Tally tally) {
        return new Frame(bytes, comment, retryMillis, sequence, events, takenInNanos, tally, tallied);
    }

    /** Tells the tallies of the frame (of its parts, once joined) that it was written. */
    public void tallyWritten() {
        if (tally != null) {
            tally.written(events);
        }
        if (tallied != null) {
            tallied.forEach(Frame::tallyWritten);
        }
    }

    /** Tells the tallies of the frame (of its parts, once joined) that it was dropped. */
    public void tallyDropped() {
        if (tally != null) {
            tally.dropped(events);
        }
        if (tallied != null) {
            tallied.forEach(Frame::tallyDropped);
        }
    }

    private static StringBuilder commentLine(String text) {
        if (Fields.requireValid(text, "comment").isEmpty()) {
            throw new IllegalArgumentException("a comment has text");
        }
        return new StringBuilder(": ").append(text).append('\n');
    }

    private static byte[] utf8(CharSequence block) {
        return block.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Whether the frame holds events (and may be joined with others), not a comment. */
    public boolean isEvent() {
        return comment == null;
    }

    /** The id the hub gave this event ({@link Unnumbered#withId(long)}), or -1. */
    public long sequence() {
        return sequence;
    }

    /** How many events the frame holds: one, several once joined, none for a comment. */
    public int events() {
        return events;
    }

    /** When the hub numbered the (first) event: published here, or read from the cluster's store. */
    public long takenInNanos() {
        return takenInNanos;
    }

    /** The blocks as written, each ending in the blank line that dispatches it. */
    public byte[] bytes() {
        return bytes;
    }

    public int length() {
        return bytes.length;
    }

    /** For RESTEasy: all of an event frame after {@code "event: "}, up to the line break RESTEasy adds. */
    @Override
    public String getName() {
        return isEvent() ? new String(bytes, EVENT_LEAD.length(), bytes.length - EVENT_LEAD.length() - 2, StandardCharsets.UTF_8)
                : null;
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

    /** Non-null where RESTEasy must write the name or the {@code retry:} line. */
    @Override
    public Class<?> getType() {
        return isEvent() || isReconnectDelaySet() ? String.class : null;
    }

    @Override
    public Type getGenericType() {
        return getType();
    }

    @Override
    public MediaType getMediaType() {
        return MediaType.TEXT_PLAIN_TYPE;
    }

    @Override
    public String getId() {
        return null;
    }

    @Override
    public Object getData() {
        return null;
    }

    @Override
    public String toString() {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
