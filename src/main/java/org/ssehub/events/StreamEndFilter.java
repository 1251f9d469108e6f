package org.ssehub.events;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/** Watches each event-stream request's asynchronous life, so its subscriber learns when the container ends it. */
@WebFilter(urlPatterns = "/api/events/*", asyncSupported = true)
public class StreamEndFilter extends HttpFilter {

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        var end = new StreamEnd();
        request.setAttribute(StreamEnd.ATTRIBUTE, end);
        chain.doFilter(request, response);
        if (request.isAsyncStarted()) {
            end.watch(request.getAsyncContext());
        } else {
            end.end();
        }
    }
}
