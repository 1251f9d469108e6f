package org.ssehub.publish;

import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.ClientErrorException;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** A request body read up to a limit: never more than the limit plus one byte is held in memory. */
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

    private static ClientErrorException tooLarge(int maxBytes) {
        return new ClientErrorException("the body is over SSE_MAX_PAYLOAD_BYTES (" + maxBytes + " bytes)",
                Response.Status.REQUEST_ENTITY_TOO_LARGE);
    }
}
