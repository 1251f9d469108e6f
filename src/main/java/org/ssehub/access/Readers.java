package org.ssehub.access;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.ForbiddenException;
import jakarta.ws.rs.NotAuthorizedException;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.ssehub.config.Settings;
import org.ssehub.topics.TopicNames;

/**
 * Who may read which topics. A topic that matches {@code SSE_PRIVATE_TOPICS} needs a subscriber JWT ({@link Jwts})
 * whose {@code subscribe} claim covers it, sent as {@code Authorization: Bearer} or in the session cookie
 * ({@code SSE_SESSION_COOKIE}, set by {@code POST /api/session}); every other topic is public. With private topics
 * configured, a credential in the URL is refused, so that none ends up in an access log.
 */
@ApplicationScoped
public class Readers {

    public static final String CLAIM = "subscribe";
    private static final List<String> URL_CREDENTIALS = List.of("token", "access_token", "authorization", "jwt");

    @Inject
    Settings settings;

    @Inject
    Jwts jwts;

    @PostConstruct
    void start() {
        if (!settings.privateTopics().isEmpty() && !jwts.configured()) {
            throw new IllegalArgumentException("SSE_PRIVATE_TOPICS needs SSE_JWT_SECRET or SSE_JWT_PUBLIC_KEY to verify subscriber tokens");
        }
    }

    /** Reads the settings as the app starts, so that private topics without a key fail the deployment. */
    void checkAtDeployment(@Observes @Initialized(ApplicationScoped.class) Object deployed) {
    }

    public boolean isPrivate(String topic) {
        return settings.privateTopics().stream().anyMatch(pattern -> TopicNames.matches(pattern, topic));
    }

    /**
     * Returns if the request may read every one of {@code topics}, with the moment its credential stops being
     * accepted if any of them is private, else null. Throws 400 for a credential in the URL, 401 without a valid
     * credential, 403 naming a private topic it does not cover.
     */
    public Instant authorize(HttpServletRequest request, Set<String> topics) {
        refuseCredentialInUrl(request);
        List<String> closed = topics.stream().filter(this::isPrivate).toList();
        if (closed.isEmpty()) {
            return null;
        }
        String token = credential(request);
        if (token == null) {
            throw new NotAuthorizedException("the topic " + closed.get(0) + " is private: send a subscriber token as "
                    + "Authorization: Bearer, or in the " + settings.sessionCookie() + " cookie that POST /api/session sets",
                    Jwts.CHALLENGE);
        }
        Grant grant = jwts.verify(token, CLAIM);
        for (String topic : closed) {
            if (!grant.covers(topic)) {
                throw new ForbiddenException("this token may not read the topic " + topic);
            }
        }
        return acceptedUntil(grant);
    }

    /** When the hub stops accepting the token of {@code grant}: its {@code exp} plus {@code SSE_JWT_CLOCK_SKEW_SECONDS}. */
    public Instant acceptedUntil(Grant grant) {
        return grant.expires().plus(settings.jwtClockSkew());
    }

    /** Which topics the caller may see listed: the public ones, and the private ones its credential, if valid, covers. */
    public Predicate<String> visibleTo(HttpServletRequest request) {
        refuseCredentialInUrl(request);
        if (settings.privateTopics().isEmpty()) {
            return topic -> true;
        }
        String token = credential(request);
        Grant grant = null;
        if (token != null) {
            try {
                grant = jwts.verify(token, CLAIM);
            } catch (NotAuthorizedException invalid) {
                // lists the public topics only
            }
        }
        Grant covering = grant;
        return topic -> !isPrivate(topic) || covering != null && covering.covers(topic);
    }

    /** The subscriber token of {@code token}, for {@code POST /api/session}: 401 unless valid with a subscribe claim. */
    public Grant session(String token) {
        Grant grant = jwts.verify(token, CLAIM);
        if (grant.patterns().isEmpty()) {
            throw new NotAuthorizedException("invalid token: it has no subscribe claim", Jwts.CHALLENGE);
        }
        return grant;
    }

    /** The bearer token of the request, else the session cookie's value, else null. */
    private String credential(HttpServletRequest request) {
        String bearer = Jwts.bearerToken(request.getHeader("Authorization"));
        if (bearer != null) {
            return bearer;
        }
        Cookie[] cookies = request.getCookies();
        if (cookies != null) {
            for (Cookie cookie : cookies) {
                if (cookie.getName().equals(settings.sessionCookie()) && !cookie.getValue().isEmpty()) {
                    return cookie.getValue();
                }
            }
        }
        return null;
    }

    private void refuseCredentialInUrl(HttpServletRequest request) {
        if (settings.privateTopics().isEmpty()) {
            return;
        }
        for (String name : URL_CREDENTIALS) {
            if (request.getParameter(name) != null) {
                throw new BadRequestException("credentials are not accepted in the URL (?" + name + "=), where logs "
                        + "and browser history keep them: send Authorization: Bearer, or use the cookie POST /api/session sets");
            }
        }
    }
}
