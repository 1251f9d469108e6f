package org.ssehub.events;

import jakarta.inject.Inject;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.WebApplicationException;
import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.Set;
import org.ssehub.config.Settings;
import org.ssehub.ticker.Ticker;
import org.ssehub.topics.TopicNames;
import org.ssehub.topics.TopicRegistry;
import org.ssehub.web.ProblemMapper;

/**
 * {@code GET /api/events?topic=a&topic=b}: the event stream of one or more topics ({@code ticker} if none).
 * A client resumes with the {@code Last-Event-ID} header or, since EventSource cannot set it on its first
 * request, {@code ?lastEventId=}; the header wins. A servlet rather than a JAX-RS resource: the stream is written
 * with the container's non-blocking output, which no JAX-RS {@code SseEventSink} offers (see bench/RESULTS.md).
 */
@WebServlet(urlPatterns = {"/api/events", "/api/events/"}, asyncSupported = true)
public class EventStream extends HttpServlet {

    @Inject
    TopicRegistry registry;

    @Inject
    Settings settings;

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        try {
            if (!"GET".equals(request.getMethod())) {
                throw new NotAllowedException("the event stream is read with GET", "GET", new String[0]);
            }
            Set<String> topics = topics(request.getParameterValues("topic"));
            String header = request.getHeader("Last-Event-ID");
            String lastEventId = header != null ? header : request.getParameter("lastEventId");
            response.setContentType("text/event-stream");
            AsyncContext stream = request.startAsync();
            stream.setTimeout(0);
            registry.subscribe(stream, topics, lastEventId, request.getRemoteAddr());
        } catch (WebApplicationException refused) {
            ProblemMapper.send(response, refused);
            if (request.isAsyncStarted()) {
                request.getAsyncContext().complete();
            }
        }
    }

    private Set<String> topics(String[] requested) {
        if (requested == null || requested.length == 0) {
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
