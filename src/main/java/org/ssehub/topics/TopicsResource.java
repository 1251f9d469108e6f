package org.ssehub.topics;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;

/** {@code GET /api/topics}: every topic with its subscriber count. */
@RequestScoped
@Path("topics")
public class TopicsResource {

    @Inject
    TopicRegistry registry;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public List<TopicStats> topics() {
        return registry.stats();
    }
}
