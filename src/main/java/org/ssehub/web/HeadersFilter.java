package org.ssehub.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Objects;

/**
 * Headers every response needs: no referrer leaves for other sites, no other window keeps a handle on ours
 * (COOP), the page may run only its own scripts and styles (CSP), and the event stream must be neither cached nor
 * buffered by a proxy such as nginx.
 */
@WebFilter(urlPatterns = "/*", asyncSupported = true)
public class HeadersFilter extends HttpFilter {

    static final String PAGE_POLICY = "default-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader("Referrer-Policy", "no-referrer");
        response.setHeader("Cross-Origin-Opener-Policy", "same-origin");
        String path = request.getServletPath() + Objects.requireNonNullElse(request.getPathInfo(), "");
        if (path.startsWith("/api/events")) {
            response.setHeader("Cache-Control", "no-cache");
            response.setHeader("X-Accel-Buffering", "no");
        } else if (!path.startsWith("/api/")) {
            response.setHeader("Content-Security-Policy", PAGE_POLICY);
        }
        chain.doFilter(request, response);
    }
}
