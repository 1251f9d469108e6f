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
 * Writes a {@link Frame}'s bytes as they are. Jersey picks this writer for our frames over its own,
 * which would serialise every event again for every subscriber.
 */
@Provider
@Produces(MediaType.SERVER_SENT_EVENTS)
public class FrameWriter implements MessageBodyWriter<Frame> {

    @Override
    public boolean isWriteable(Class<?> type, Type genericType, Annotation[] annotations, MediaType mediaType) {
        return Frame.class.isAssignableFrom(type);
    }

    @Override
    public void writeTo(Frame frame, Class<?> type, Type genericType, Annotation[] annotations, MediaType mediaType,
            MultivaluedMap<String, Object> httpHeaders, OutputStream entityStream) throws IOException {
        entityStream.write(frame.body());
    }
}
