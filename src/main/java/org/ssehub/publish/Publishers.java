package org.ssehub.publish;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.ws.rs.ForbiddenException;
import jakarta.ws.rs.NotAuthorizedException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.ssehub.access.Jwts;
import org.ssehub.config.Settings;

/**
 * Decides who may publish to a topic: a bearer token equal to {@code SSE_PUBLISH_TOKEN} may publish anywhere; a
 * JWT the hub accepts ({@link Jwts}) may publish to the topics its {@code topics} claim lists. With neither
 * configured, publishing is refused: secure by default. The credentials are checked at deployment, so a weak or
 * broken one stops the app instead of failing at the first publish.
 */
@ApplicationScoped
public class Publishers {

    static final String CHALLENGE = Jwts.CHALLENGE;
    static final int MIN_TOKEN_CHARS = 16;

    @Inject
    Settings settings;

    @Inject
    Jwts jwts;

    private byte[] publishToken;

    @PostConstruct
    void start() {
        if (settings.publishToken() != null) {
            if (settings.publishToken().length() < MIN_TOKEN_CHARS) {
                throw new IllegalArgumentException("SSE_PUBLISH_TOKEN must be at least " + MIN_TOKEN_CHARS + " characters");
            }
            publishToken = settings.publishToken().getBytes(StandardCharsets.UTF_8);
        }
        jwts.configured();
    }

    /** Reads the credentials as the app starts, so that a bad one fails the deployment. */
    void checkAtDeployment(@Observes @Initialized(ApplicationScoped.class) Object deployed) {
    }

    /** Returns if {@code authorization} may publish to {@code topic}; throws 401 or 403 otherwise. */
    public void authorize(String authorization, String topic) {
        if (publishToken == null && !jwts.configured()) {
            throw new ForbiddenException("publishing is disabled: set SSE_PUBLISH_TOKEN, SSE_JWT_SECRET or SSE_JWT_PUBLIC_KEY");
        }
        String token = Jwts.bearerToken(authorization);
        if (token == null) {
            throw new NotAuthorizedException("an Authorization: Bearer token is required", CHALLENGE);
        }
        if (publishToken != null && MessageDigest.isEqual(publishToken, token.getBytes(StandardCharsets.UTF_8))) {
            return;
        }
        if (!jwts.verify(token, "topics").covers(topic)) {
            throw new ForbiddenException("this token may not publish to " + topic);
        }
    }
}
