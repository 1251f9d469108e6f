package org.ssehub.access;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.ForbiddenException;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.regex.Pattern;
import org.ssehub.config.Settings;
import org.ssehub.publish.Payload;
import org.ssehub.web.ClientAddresses;

/**
 * {@code POST /api/session} puts a subscriber token into an HttpOnly cookie, so that a page's {@code EventSource},
 * which cannot set headers, can read private topics; {@code DELETE /api/session} clears it. Both answer only a page
 * of the hub's own origin or of {@code SSE_ALLOWED_ORIGINS}. The cookie is {@code SameSite=Strict}, scoped to the
 * API, lives as long as the token, and is {@code Secure} when the client came over HTTPS.
 */
@RequestScoped
@Path("session")
public class SessionResource {

    private static final int MAX_BODY_BYTES = 16_384;
    /** What may go into the cookie: nothing that could end its value or the header. */
    private static final Pattern COMPACT_JWS = Pattern.compile("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+");

    @Inject
    Readers readers;

    @Inject
    Settings settings;

    @Inject
    ClientAddresses clients;

    @Context
    HttpServletRequest request;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response open(@HeaderParam(HttpHeaders.CONTENT_LENGTH) long length, InputStream body) {
        requireKnownOrigin();
        String token = token(Payload.read(body, length, MAX_BODY_BYTES));
        Grant grant = readers.session(token);
        long maxAge = Math.max(1, Duration.between(Instant.now(), readers.acceptedUntil(grant)).toSeconds());
        var answer = Json.createObjectBuilder()
                .add("subscribe", Json.createArrayBuilder(grant.patterns()))
                .add("expires", grant.expires().toString());
        return Response.ok(answer.build().toString())
                .header("Set-Cookie", cookie(token, maxAge))
                .header("Cache-Control", "no-store")
                .build();
    }

    @DELETE
    public Response close() {
        requireKnownOrigin();
        return Response.noContent().header("Set-Cookie", cookie("", 0)).header("Cache-Control", "no-store").build();
    }

    /**
     * Refuses a request whose {@code Origin} is neither the hub's own (the scheme the client used and its
     * {@code Host}) nor one of {@code SSE_ALLOWED_ORIGINS}; one without {@code Origin} is no browser's.
     */
    private void requireKnownOrigin() {
        String origin = request.getHeader("Origin");
        if (origin == null) {
            throw new ForbiddenException("an Origin header is required: the session cookie is for pages");
        }
        String own = (clients.secure(request) ? "https://" : "http://") + request.getHeader("Host");
        if (!origin.toLowerCase(Locale.ROOT).equals(own.toLowerCase(Locale.ROOT)) && !settings.allowedOrigins().contains(origin)) {
            throw new ForbiddenException("the origin " + origin + " is neither this hub's nor in SSE_ALLOWED_ORIGINS");
        }
    }

    private static String token(String body) {
        JsonObject json = Payload.object(body);
        if (!(json.get("token") instanceof JsonString token) || token.getString().isBlank() || json.size() != 1) {
            throw new BadRequestException("the body must be a JSON object {\"token\": \"<subscriber JWT>\"} and nothing else");
        }
        String jwt = token.getString().trim();
        if (!COMPACT_JWS.matcher(jwt).matches()) {
            throw new BadRequestException("\"token\" is not a signed JWT (three base64url parts joined by dots)");
        }
        return jwt;
    }

    private String cookie(String value, long maxAgeSeconds) {
        String path = settings.sessionCookie().startsWith("__Host-") ? "/" : request.getContextPath() + "/api";
        return settings.sessionCookie() + "=" + value + "; Path=" + path + "; Max-Age=" + maxAgeSeconds
                + "; HttpOnly; SameSite=Strict" + (clients.secure(request) ? "; Secure" : "");
    }
}
