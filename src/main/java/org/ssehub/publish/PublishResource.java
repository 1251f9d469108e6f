package org.ssehub.publish;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.ClientErrorException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.ForbiddenException;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.ServiceUnavailableException;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.InputStream;
import java.util.Set;
import org.ssehub.config.Settings;
import org.ssehub.ticker.Ticker;
import org.ssehub.topics.TopicNames;
import org.ssehub.topics.TopicRegistry;
import org.ssehub.web.ProblemMapper;
import org.ssehub.wire.Frame;

/**
 * {@code POST /api/topics/{topic}/events}: publishes {@code {"event": "name", "data": <any JSON>}} (the event name
 * defaults to the topic) or a {@code text/plain} body ({@code ?event=} optional). Answers 201 with the event's id.
 */
@RequestScoped
@Path("topics/{topic}/events")
public class PublishResource {

    private static final Set<String> FIELDS = Set.of("event", "data");

    @Inject
    TopicRegistry registry;

    @Inject
    Publishers publishers;

    @Inject
    Settings settings;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response publishJson(@PathParam("topic") String topic, @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
            @HeaderParam(HttpHeaders.CONTENT_LENGTH) long length, @Context HttpHeaders headers, InputStream body) {
        authorize(topic, authorization);
        requireUtf8(headers.getMediaType());
        JsonObject json = Payload.object(Payload.read(body, length, settings.maxPayloadBytes()));
        if (!FIELDS.containsAll(json.keySet())) {
            throw new BadRequestException("the body may only have the fields \"event\" and \"data\"");
        }
        if (!json.containsKey("data")) {
            throw new BadRequestException("the body needs a \"data\" field");
        }
        JsonValue event = json.getOrDefault("event", Json.createValue(topic));
        if (!(event instanceof JsonString name)) {
            throw new BadRequestException("\"event\" must be a string");
        }
        return published(topic, EventNames.requireValid(name.getString()), json.get("data").toString());
    }

    @POST
    @Consumes(MediaType.TEXT_PLAIN)
    @Produces(MediaType.APPLICATION_JSON)
    public Response publishText(@PathParam("topic") String topic, @QueryParam("event") String event,
            @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, @HeaderParam(HttpHeaders.CONTENT_LENGTH) long length,
            @Context HttpHeaders headers, InputStream body) {
        authorize(topic, authorization);
        requireUtf8(headers.getMediaType());
        String data = Payload.read(body, length, settings.maxPayloadBytes());
        return published(topic, EventNames.requireValid(event == null ? topic : event), data);
    }

    private void authorize(String topic, String authorization) {
        TopicNames.requireValid(topic);
        publishers.authorize(authorization, topic);
        if (topic.equals(Ticker.TOPIC)) {
            throw new ForbiddenException("the topic \"" + Ticker.TOPIC + "\" is the hub's own");
        }
    }

    /** Bodies are read as UTF-8: another declared charset, or no Content-Type at all, is refused with 415. */
    private static void requireUtf8(MediaType type) {
        if (type == null) {
            throw new NotSupportedException("a Content-Type of application/json or text/plain is required");
        }
        String charset = type.getParameters().get(MediaType.CHARSET_PARAMETER);
        if (charset != null && !charset.equalsIgnoreCase("utf-8")) {
            throw new NotSupportedException("bodies are read as UTF-8; charset=" + charset + " is not supported");
        }
    }

    /** Past this many times {@code SSE_MAX_PAYLOAD_BYTES} a serialised event is refused: a body of line breaks. */
    private static final int MAX_FRAME_PER_PAYLOAD = 2;

    private Response published(String topic, String name, String data) {
        Frame.Unnumbered event = Frame.event(name, data);
        if (event.length() > (long) MAX_FRAME_PER_PAYLOAD * settings.maxPayloadBytes()) {
            throw new ClientErrorException("the event would take " + event.length() + " bytes on the wire, over twice"
                    + " SSE_MAX_PAYLOAD_BYTES (" + settings.maxPayloadBytes() + "): too many line breaks",
                    Response.Status.REQUEST_ENTITY_TOO_LARGE);
        }
        long id;
        try {
            id = registry.publish(topic, event);
        } catch (ServiceUnavailableException refused) {
            // Answered, not thrown: RESTEasy writes a thrown exception through the servlet context, which an undeploy
            // may have destroyed meanwhile (UT015023), and the client would get a 500 instead of this 503.
            return ProblemMapper.problem(refused, HttpMethod.POST);
        }
        return Response.status(Response.Status.CREATED)
                .entity(Json.createObjectBuilder().add("id", Long.toString(id)).build().toString())
                .build();
    }
}
