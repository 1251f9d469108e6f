package org.ssehub.bench;

import java.nio.charset.StandardCharsets;

/**
 * Incremental parser of one HTTP/1.1 response whose body is an SSE stream, plain or chunked.
 * Bytes may be fed split anywhere; nothing is allocated per byte or per event. Only the first
 * {@code maxData} bytes of an event's data are kept ({@link #dataTotal} has the full length).
 */
abstract class SseParser {
    private static final int STATUS = 0, HEADERS = 1, BODY = 2, DONE = 3;
    private static final int CHUNK_SIZE = 0, CHUNK_EXT = 1, CHUNK_DATA = 2, CHUNK_END = 3, TRAILER = 4;
    private static final int LINE_START = 0, NAME = 1, VALUE_START = 2, VALUE = 3, SKIP = 4;
    private static final int OTHER = 0, DATA = 1, EVENT = 2, ID = 3;
    private static final long KEY_DATA = key("data"), KEY_EVENT = key("event"), KEY_ID = key("id");
    private static final int MAX_HEAD_LINE = 8192, MAX_NAME = 64;

    private final int maxData;
    private int phase = STATUS;
    private byte[] head = new byte[128];
    private int headLen;
    private boolean chunked;
    private int chunkState = CHUNK_SIZE;
    private long chunkLeft;
    private int trailerLen;
    private boolean bodySeen;

    private int lineState = LINE_START;
    private boolean afterCR;
    private long nameKey;
    private int nameLen;
    private int field;

    protected byte[] data;
    protected int dataLen;
    protected int dataTotal;
    private int dataLines;
    protected final byte[] type = new byte[MAX_NAME];
    protected int typeLen;
    protected final byte[] id = new byte[MAX_NAME];
    protected int idLen;
    private final byte[] pendingId = new byte[MAX_NAME];
    private int pendingIdLen;
    private boolean pendingIdBad;

    SseParser(int maxData) {
        this.maxData = maxData;
        this.data = new byte[Math.min(maxData, 64)];
    }

    /** The status code, or -1 for a malformed status line. Call {@link #stop()} to ignore the rest. */
    protected abstract void onStatus(int code);

    /** The first byte of the SSE body arrived. */
    protected abstract void onBodyStart();

    /** An event was dispatched: {@link #data}, {@link #type} and {@link #id} hold it. */
    protected abstract void onEvent();

    /** The response ended inside the stream: "end" (last chunk) or "bad-chunk". */
    protected abstract void onEnd(String reason);

    final void stop() {
        phase = DONE;
        head = null;
    }

    final boolean stopped() {
        return phase == DONE;
    }

    final void feed(byte[] b, int off, int len) {
        int i = off, end = off + len;
        while (i < end && phase != DONE) {
            if (phase != BODY) {
                i = head(b, i, end);
            } else if (!chunked) {
                sse(b, i, end);
                i = end;
            } else if (chunkState == CHUNK_DATA) {
                int n = (int) Math.min(chunkLeft, end - i);
                chunkLeft -= n;
                if (chunkLeft == 0) {
                    chunkState = CHUNK_END;
                }
                sse(b, i, i + n);
                i += n;
            } else {
                chunkByte(b[i++]);
            }
        }
    }

    private int head(byte[] b, int i, int end) {
        while (i < end) {
            byte c = b[i++];
            if (c != '\n') {
                if (headLen < MAX_HEAD_LINE) {
                    if (headLen == head.length) {
                        head = java.util.Arrays.copyOf(head, head.length * 2);
                    }
                    head[headLen++] = c;
                }
                continue;
            }
            int n = headLen > 0 && head[headLen - 1] == '\r' ? headLen - 1 : headLen;
            headLen = 0;
            if (phase == STATUS) {
                phase = HEADERS;
                onStatus(statusCode(head, n));
            } else if (n == 0) {
                phase = BODY;
                head = null;
            } else if (isChunkedHeader(head, n)) {
                chunked = true;
            }
            return i;
        }
        return i;
    }

    private static int statusCode(byte[] b, int n) {
        int sp = 0;
        while (sp < n && b[sp] != ' ') {
            sp++;
        }
        if (sp + 4 > n || !startsWith(b, 0, "HTTP/")) {
            return -1;
        }
        int code = 0;
        for (int k = sp + 1; k < sp + 4; k++) {
            if (b[k] < '0' || b[k] > '9') {
                return -1;
            }
            code = code * 10 + (b[k] - '0');
        }
        return sp + 4 == n || b[sp + 4] == ' ' ? code : -1;
    }

    private static boolean isChunkedHeader(byte[] b, int n) {
        String name = "transfer-encoding:";
        if (n < name.length() || !startsWith(b, 0, name)) {
            return false;
        }
        String value = new String(b, name.length(), n - name.length(), StandardCharsets.ISO_8859_1);
        return value.toLowerCase(java.util.Locale.ROOT).contains("chunked");
    }

    private static boolean startsWith(byte[] b, int off, String s) {
        for (int k = 0; k < s.length(); k++) {
            if (Character.toLowerCase((char) b[off + k]) != Character.toLowerCase(s.charAt(k))) {
                return false;
            }
        }
        return true;
    }

    private void chunkByte(byte c) {
        switch (chunkState) {
            case CHUNK_SIZE -> {
                int v = Character.digit(c, 16);
                if (v >= 0 && chunkLeft < (1L << 40)) {
                    chunkLeft = chunkLeft * 16 + v;
                } else if (c == ';' || c == ' ' || c == '\t') {
                    chunkState = CHUNK_EXT;
                } else if (c == '\n') {
                    chunkSizeDone();
                } else if (c != '\r') {
                    badChunk();
                }
            }
            case CHUNK_EXT -> {
                if (c == '\n') {
                    chunkSizeDone();
                }
            }
            case CHUNK_END -> {
                if (c == '\n') {
                    chunkState = CHUNK_SIZE;
                    chunkLeft = 0;
                } else if (c != '\r') {
                    badChunk();
                }
            }
            case TRAILER -> {
                if (c == '\n') {
                    if (trailerLen == 0) {
                        stop();
                        onEnd("end");
                    }
                    trailerLen = 0;
                } else if (c != '\r') {
                    trailerLen++;
                }
            }
            default -> badChunk();
        }
    }

    private void chunkSizeDone() {
        chunkState = chunkLeft == 0 ? TRAILER : CHUNK_DATA;
        trailerLen = 0;
    }

    private void badChunk() {
        stop();
        onEnd("bad-chunk");
    }

    private void sse(byte[] b, int i, int end) {
        if (!bodySeen && i < end) {
            bodySeen = true;
            onBodyStart();
            if (phase == DONE) {
                return;
            }
        }
        while (i < end) {
            byte c = b[i];
            if (afterCR) {
                afterCR = false;
                if (c == '\n') {
                    i++;
                    continue;
                }
            }
            switch (lineState) {
                case LINE_START -> {
                    if (c == '\r' || c == '\n') {
                        afterCR = c == '\r';
                        i++;
                        dispatch();
                        if (phase == DONE) {
                            return;
                        }
                    } else if (c == ':') {
                        lineState = SKIP;
                        i++;
                    } else {
                        nameKey = 0;
                        nameLen = 0;
                        lineState = NAME;
                    }
                }
                case NAME -> {
                    i++;
                    if (c == ':') {
                        startValue();
                        lineState = VALUE_START;
                    } else if (c == '\r' || c == '\n') {
                        startValue();
                        endLine(c);
                    } else {
                        if (nameLen < 8) {
                            nameKey = (nameKey << 8) | (c & 0xff);
                        }
                        nameLen++;
                    }
                }
                case VALUE_START -> {
                    lineState = VALUE;
                    if (c == ' ') {
                        i++;
                    }
                }
                case VALUE -> {
                    int j = i;
                    while (j < end && b[j] != '\n' && b[j] != '\r') {
                        j++;
                    }
                    value(b, i, j);
                    if (j == end) {
                        return;
                    }
                    endLine(b[j]);
                    i = j + 1;
                }
                default -> {
                    while (i < end && b[i] != '\n' && b[i] != '\r') {
                        i++;
                    }
                    if (i < end) {
                        afterCR = b[i] == '\r';
                        lineState = LINE_START;
                        i++;
                    }
                }
            }
        }
    }

    private void startValue() {
        field = nameLen > 8 ? OTHER
                : nameKey == KEY_DATA && nameLen == 4 ? DATA
                : nameKey == KEY_EVENT && nameLen == 5 ? EVENT
                : nameKey == KEY_ID && nameLen == 2 ? ID
                : OTHER;
        if (field == DATA) {
            if (dataLines++ > 0) {
                appendData(LF, 0, 1);
            }
        } else if (field == EVENT) {
            typeLen = 0;
        } else if (field == ID) {
            pendingIdLen = 0;
            pendingIdBad = false;
        }
    }

    private static final byte[] LF = {'\n'};

    private void value(byte[] b, int from, int to) {
        switch (field) {
            case DATA -> appendData(b, from, to);
            case EVENT -> typeLen = append(type, typeLen, b, from, to);
            case ID -> {
                for (int k = from; k < to; k++) {
                    pendingIdBad |= b[k] == 0;
                }
                pendingIdLen = append(pendingId, pendingIdLen, b, from, to);
            }
            default -> { }
        }
    }

    private void endLine(byte c) {
        afterCR = c == '\r';
        lineState = LINE_START;
        if (field == ID && !pendingIdBad) {
            System.arraycopy(pendingId, 0, id, 0, pendingIdLen);
            idLen = pendingIdLen;
        }
        field = OTHER;
    }

    private static int append(byte[] dst, int len, byte[] b, int from, int to) {
        int n = Math.min(to - from, dst.length - len);
        System.arraycopy(b, from, dst, len, n);
        return len + n;
    }

    private void appendData(byte[] b, int from, int to) {
        int n = to - from;
        dataTotal += n;
        int k = Math.min(n, maxData - dataLen);
        if (k <= 0) {
            return;
        }
        if (dataLen + k > data.length) {
            data = java.util.Arrays.copyOf(data, Math.min(maxData, Math.max(dataLen + k, data.length * 2)));
        }
        System.arraycopy(b, from, data, dataLen, k);
        dataLen += k;
    }

    private void dispatch() {
        if (dataLines > 0) {
            onEvent();
        }
        dataLines = 0;
        dataLen = 0;
        dataTotal = 0;
        typeLen = 0;
    }

    String dataString() {
        return new String(data, 0, dataLen, StandardCharsets.UTF_8);
    }

    String typeString() {
        return typeLen == 0 ? "message" : new String(type, 0, typeLen, StandardCharsets.UTF_8);
    }

    String idString() {
        return new String(id, 0, idLen, StandardCharsets.UTF_8);
    }

    private static long key(String s) {
        long k = 0;
        for (int i = 0; i < s.length(); i++) {
            k = (k << 8) | s.charAt(i);
        }
        return k;
    }
}
