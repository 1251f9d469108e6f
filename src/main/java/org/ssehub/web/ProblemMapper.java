package org.ssehub.web;

import jakarta.json.Json;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Request;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.Objects;
import java.util.Set;

/**
 * Gives every error answer an RFC 9457 {@code application/problem+json} body saying what was wrong.
 * JAX-RS calls it only for exceptions that carry no entity of their own. A refused request may not have had its
 * body read; the connection is then closed, or the server would take what is left of it for the next request.
 */
@Provider
public class ProblemMapper implements ExceptionMapper<WebApplicationException> {

    public static final String PROBLEM_JSON = "application/problem+json";
    private static final Set<String> WITH_BODY = Set.of("POST", "PUT", "PATCH");

    @Context
    Request request;

    @Override
    public Response toResponse(WebApplicationException exception) {
        return problem(exception, request.getMethod());
    }

    /** The problem answer to {@code exception} on a request of {@code method}. */
    public static Response problem(WebApplicationException exception, String method) {
        Response original = exception.getResponse();
        var problem = Response.fromResponse(original).type(PROBLEM_JSON).entity(body(original.getStatusInfo(), exception));
        if (WITH_BODY.contains(method)) {
            problem.header("Connection", "close");
        }
        return problem.build();
    }

    private static String body(Response.StatusType status, WebApplicationException exception) {
        return Json.createObjectBuilder()
                .add("type", "about:blank")
                .add("title", Objects.requireNonNullElse(status.getReasonPhrase(), "Error"))
                .add("status", status.getStatusCode())
                .add("detail", Objects.requireNonNullElse(exception.getMessage(), status.getReasonPhrase() + ""))
                .build()
                .toString();
    }
}
