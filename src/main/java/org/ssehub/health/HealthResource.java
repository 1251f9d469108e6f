package org.ssehub.health;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObjectBuilder;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Map;
import org.ssehub.topics.TopicRegistry;

/**
 * {@code GET /api/health/live}: {@code 200} while the app runs, so nothing restarts a node for a Redis blip.
 * {@code GET /api/health/ready} (and {@code /api/health}): {@code 503} while the node should get no new streams,
 * because it is shutting down or its cluster's store (Redis) is away. Each answers {@code status} and its checks.
 */
@RequestScoped
@Path("health")
public class HealthResource {

    @Inject
    TopicRegistry registry;

    @GET
    @Path("live")
    @Produces(MediaType.APPLICATION_JSON)
    public Response live() {
        return answer(Map.of());
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Response health() {
        return ready();
    }

    @GET
    @Path("ready")
    @Produces(MediaType.APPLICATION_JSON)
    public Response ready() {
        return answer(registry.readiness());
    }

    private static Response answer(Map<String, Boolean> checks) {
        boolean up = !checks.containsValue(false);
        JsonObjectBuilder each = Json.createObjectBuilder();
        checks.forEach((name, ok) -> each.add(name, ok ? "UP" : "DOWN"));
        var body = Json.createObjectBuilder().add("status", up ? "UP" : "DOWN").add("checks", each).build();
        return Response.status(up ? Response.Status.OK : Response.Status.SERVICE_UNAVAILABLE)
                .header("Cache-Control", "no-store").entity(body.toString()).build();
    }
}
