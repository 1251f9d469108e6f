package org.ssehub.events;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.ClientErrorException;
import jakarta.ws.rs.ForbiddenException;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.NotAuthorizedException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.SseEventSink;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.ssehub.access.Readers;
import org.ssehub.config.Settings;
import org.ssehub.metrics.Metrics;
import org.ssehub.ticker.Ticker;
import org.ssehub.topics.TopicNames;
import org.ssehub.topics.TopicRegistry;
import org.ssehub.web.ClientAddresses;

/**
 * {@code GET /api/events?topic=a&topic=b}: the event stream of one or more topics ({@code ticker} if none). A client
 * resumes with the {@code Last-Event-ID} header or, since EventSource cannot set it on its first request,
 * {@code ?lastEventId=}; the header wins. A request that is refused is refused before its sink is touched; the first
 * check is the address's rate of new streams; a stream of a private topic needs a credential that covers it
 * ({@link Readers}), and ends when that credential expires. The client's address is the peer's, or what a trusted proxy recorded
 * ({@link ClientAddresses}).
 */
@ApplicationScoped
@Path("events")
public class EventsResource {

    /**
     * The stream's own output buffer. Undertow then allocates a buffer for this response alone instead of taking one
     * from its pool: RESTEasy writes from the hub's threads, and a write that races Undertow closing a departed
     * client's connection must not land in a pooled buffer that already serves another request (see
     * docs/jaxrs-sse.md). Tomcat's and Grizzly's default size.
     */
    private static final int STREAM_BUFFER_BYTES = 8192;

    @Inject
    TopicRegistry registry;

    @Inject
    Settings settings;

    @Inject
    ConnectRate connectRate;

    @Inject
    ClientAddresses clients;

    @Inject
    Metrics metrics;

    @Inject
    Readers readers;

    @GET
    @Produces(MediaType.SERVER_SENT_EVENTS)
    public void stream(@QueryParam("topic") List<String> topic, @HeaderParam("Last-Event-ID") String lastEventIdHeader,
            @QueryParam("lastEventId") String lastEventId, @Context HttpServletRequest request,
            @Context HttpServletResponse response, @Context SseEventSink sink) {
        String client = clients.of(request);
        try {
            connectRate.acquire(client);
        } catch (ClientErrorException tooMany) {
            metrics.refused("rate_limited");
            throw tooMany;
        }
        Set<String> topics = topics(topic);
        Instant expires;
        try {
            expires = readers.authorize(request, topics);
        } catch (NotAuthorizedException | ForbiddenException refused) {
            metrics.refused(refused instanceof ForbiddenException ? "forbidden" : "unauthorized");
            throw refused;
        }
        response.setBufferSize(STREAM_BUFFER_BYTES);
        registry.subscribe(sink, topics, lastEventIdHeader != null ? lastEventIdHeader : lastEventId,
                client, expires, response::isCommitted);
    }

    private Set<String> topics(List<String> requested) {
        if (requested.isEmpty()) {
            return Set.of(Ticker.TOPIC);
        }
        Set<String> topics = new LinkedHashSet<>();
        for (String name : requested) {
            topics.add(TopicNames.requireValid(name));
        }
        if (topics.size() > settings.maxTopicsPerSubscription()) {
            throw new BadRequestException("at most " + settings.maxTopicsPerSubscription() + " topics per subscription");
        }
        return topics;
    }
}
