package org.ssehub.wire;

import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.ext.MessageBodyWriter;
import jakarta.ws.rs.ext.Provider;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.annotation.Annotation;
import java.lang.reflect.Type;

/**
 * Writes a {@link Frame} as it was serialised, on runtimes that choose the writer by the event's class (Jersey).
 * Jersey's sink ends every chunk it writes with a line break of its own, so the frame's last one is left to it.
 */
@Provider
@Produces(MediaType.SERVER_SENT_EVENTS)
public class FrameWriter implements MessageBodyWriter<Frame> {

    @Override
    public boolean isWriteable(Class<?> type, Type genericType, Annotation[] annotations, MediaType mediaType) {
        return type == Frame.class;
    }

    @Override
    public void writeTo(Frame frame, Class<?> type, Type genericType, Annotation[] annotations, MediaType mediaType,
            MultivaluedMap<String, Object> headers, OutputStream out) throws IOException {
        out.write(frame.bytes(), 0, frame.length() - 1);
    }
}
