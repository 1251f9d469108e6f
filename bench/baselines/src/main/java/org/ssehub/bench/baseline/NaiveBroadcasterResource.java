package org.ssehub.bench.baseline;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseBroadcaster;
import jakarta.ws.rs.sse.SseEventSink;

/** What people write today: one stock {@link SseBroadcaster}, as in the JAX-RS examples. */
@Path("naive")
public class NaiveBroadcasterResource {

    private static SseBroadcaster broadcaster;

    private static synchronized SseBroadcaster broadcaster(Sse sse) {
        if (broadcaster == null) {
            broadcaster = sse.newBroadcaster();
        }
        return broadcaster;
    }

    @GET
    @Produces(MediaType.SERVER_SENT_EVENTS)
    public void subscribe(@Context SseEventSink sink, @Context Sse sse) {
        sink.send(sse.newEventBuilder().comment("ok").build());
        broadcaster(sse).register(sink);
    }

    @POST
    @Consumes(MediaType.TEXT_PLAIN)
    public void publish(String data, @Context Sse sse) {
        broadcaster(sse).broadcast(sse.newEventBuilder().name("bench").data(data).build());
    }
}
