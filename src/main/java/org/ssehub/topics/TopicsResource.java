package org.ssehub.topics;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.GenericEntity;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.List;
import org.ssehub.access.Readers;

/**
 * {@code GET /api/topics}: topics with their subscriber counts and last ids, by name, a page at a time: at most
 * {@code limit} (100 unless asked, at most 1,000) after the name {@code after}; a {@code Link} header with
 * {@code rel="next"} points to the next page when there is one. Private topics are listed only to a caller whose
 * credential covers them.
 */
@RequestScoped
@Path("topics")
public class TopicsResource {

    static final int MAX_LIMIT = 1000;

    @Inject
    TopicRegistry registry;

    @Inject
    Readers readers;

    @Context
    UriInfo uri;

    @Context
    HttpServletRequest request;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Response topics(@QueryParam("after") @DefaultValue("") String after,
            @QueryParam("limit") @DefaultValue("100") String limit) {
        int size = pageSize(limit);
        List<TopicStats> page = registry.stats(after, size + 1, readers.visibleTo(request));
        var answer = Response.ok(new GenericEntity<List<TopicStats>>(page.size() > size ? page.subList(0, size) : page) {
        });
        if (page.size() > size) {
            var next = uri.getRequestUriBuilder()
                    .replaceQueryParam("after", page.get(size - 1).topic())
                    .replaceQueryParam("limit", size)
                    .build();
            answer.link(next, "next");
        }
        return answer.build();
    }

    private static int pageSize(String limit) {
        try {
            int size = Integer.parseInt(limit);
            if (size >= 1 && size <= MAX_LIMIT) {
                return size;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new BadRequestException("limit must be a whole number from 1 to " + MAX_LIMIT);
    }
}
