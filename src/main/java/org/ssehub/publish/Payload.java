package org.ssehub.publish;

import jakarta.json.Json;
import jakarta.json.JsonConfig;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonReaderFactory;
import jakarta.json.stream.JsonParser;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.ClientErrorException;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * A request body read up to a limit (never more than the limit plus one byte is held in memory), and a JSON object
 * read from one, with limits on nesting and on the length of numbers.
 */
public final class Payload {

    /**
     * A body declared at most this much over the limit is read and dropped before the 413: a server that answers and
     * closes with the body unread resets the connection, and the client may lose the answer. A larger one is refused
     * unread.
     */
    private static final long DISCARDED_PAST_LIMIT = 1 << 20;

    private Payload() {
    }

    /** The body as UTF-8 text; 413 past {@code maxBytes}, 400 if it is cut short or not UTF-8. */
    public static String read(InputStream body, long declaredLength, int maxBytes) {
        if (declaredLength > maxBytes) {
            if (declaredLength - maxBytes <= DISCARDED_PAST_LIMIT) {
                try {
                    body.transferTo(OutputStream.nullOutputStream());
                } catch (IOException cutShort) {
                    // refused all the same
                }
            }
            throw tooLarge(maxBytes);
        }
        byte[] bytes;
        try {
            bytes = body.readNBytes(maxBytes + 1);
        } catch (IOException cutShort) {
            throw new BadRequestException("the body could not be read to its end: " + cutShort.getMessage());
        }
        if (bytes.length > maxBytes) {
            throw tooLarge(maxBytes);
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new BadRequestException("the body is not valid UTF-8");
        }
    }

    static final int MAX_DEPTH = 64;
    static final int MAX_NUMBER_CHARS = 100;
    /** A name given twice in one object is refused: parsers disagree on which of the two counts. */
    private static final JsonReaderFactory READERS = Json.createReaderFactory(Map.of(JsonConfig.KEY_STRATEGY, JsonConfig.KeyStrategy.NONE));

    /**
     * The body as one JSON object and nothing after it. It is first read as a stream of tokens, which needs no
     * recursion, so that a deep nesting or a number of thousands of digits is refused before it is built.
     */
    public static JsonObject object(String body) {
        try {
            try (JsonParser parser = Json.createParser(new StringReader(body))) {
                int depth = 0;
                while (parser.hasNext()) {
                    switch (parser.next()) {
                        case START_OBJECT, START_ARRAY -> {
                            if (++depth > MAX_DEPTH) {
                                throw new BadRequestException("the body nests objects and arrays more than " + MAX_DEPTH + " deep");
                            }
                        }
                        case END_OBJECT, END_ARRAY -> depth--;
                        case VALUE_NUMBER -> {
                            if (parser.getString().length() > MAX_NUMBER_CHARS) {
                                throw new BadRequestException("the body has a number of more than " + MAX_NUMBER_CHARS + " characters");
                            }
                        }
                        default -> { }
                    }
                }
            }
            try (JsonReader reader = READERS.createReader(new StringReader(body))) {
                return reader.readObject();
            }
        } catch (JsonException | IllegalStateException | NoSuchElementException e) {
            throw new BadRequestException("the body is not one JSON object: " + e.getMessage());
        }
    }

    private static ClientErrorException tooLarge(int maxBytes) {
        return new ClientErrorException("the body is over SSE_MAX_PAYLOAD_BYTES (" + maxBytes + " bytes)",
                Response.Status.REQUEST_ENTITY_TOO_LARGE);
    }
}
