package org.ssehub.metrics;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.NotAuthorizedException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.ssehub.config.Settings;

/** {@code GET /api/metrics}: Prometheus text format; with {@code SSE_METRICS_TOKEN} set, for that bearer token only. */
@RequestScoped
@Path("metrics")
public class MetricsResource {

    @Inject
    Metrics metrics;

    @Inject
    Settings settings;

    @GET
    @Produces("text/plain; version=0.0.4; charset=utf-8")
    public String metrics(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        String token = settings.metricsToken();
        if (token != null && (authorization == null || !MessageDigest.isEqual(
                ("Bearer " + token).getBytes(StandardCharsets.UTF_8), authorization.getBytes(StandardCharsets.UTF_8)))) {
            throw new NotAuthorizedException("GET /api/metrics needs the bearer token SSE_METRICS_TOKEN", "Bearer realm=\"sse-hub metrics\"");
        }
        return metrics.scrape();
    }
}
