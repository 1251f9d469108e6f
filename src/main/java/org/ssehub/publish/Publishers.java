package org.ssehub.publish;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.ForbiddenException;
import jakarta.ws.rs.NotAuthorizedException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.text.ParseException;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.ssehub.config.Settings;

/**
 * Decides who may publish to a topic: a bearer token equal to {@code SSE_PUBLISH_TOKEN} may publish anywhere; a
 * JWT signed with {@code SSE_JWT_SECRET} (HS256) or the key in {@code SSE_JWT_PUBLIC_KEY} (RS256, ES256) may
 * publish to the topics its {@code topics} claim lists ({@code *} for all, {@code news.*} for a prefix).
 * With none of them configured, publishing is refused: secure by default.
 */
@ApplicationScoped
public class Publishers {

    static final String CHALLENGE = "Bearer realm=\"sse-hub\"";
    private static final String BEARER = "Bearer ";

    @Inject
    Settings settings;

    private final Map<JWSAlgorithm, JWSVerifier> verifiers = new HashMap<>();
    private byte[] publishToken;

    @PostConstruct
    void start() {
        if (settings.publishToken() != null) {
            publishToken = settings.publishToken().getBytes(StandardCharsets.UTF_8);
        }
        try {
            if (settings.jwtSecret() != null) {
                verifiers.put(JWSAlgorithm.HS256, new MACVerifier(settings.jwtSecret().getBytes(StandardCharsets.UTF_8)));
            }
            if (settings.jwtPublicKey() != null) {
                PublicKey key = publicKey(settings.jwtPublicKey());
                if (key instanceof RSAPublicKey rsa) {
                    verifiers.put(JWSAlgorithm.RS256, new RSASSAVerifier(rsa));
                } else if (key instanceof ECPublicKey ec) {
                    verifiers.put(JWSAlgorithm.ES256, new ECDSAVerifier(ec));
                }
            }
        } catch (JOSEException | GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException("SSE_JWT_SECRET (at least 32 bytes) or SSE_JWT_PUBLIC_KEY (PEM) is unusable: "
                    + e.getMessage(), e);
        }
    }

    /** Returns if {@code authorization} may publish to {@code topic}; throws 401 or 403 otherwise. */
    public void authorize(String authorization, String topic) {
        if (publishToken == null && verifiers.isEmpty()) {
            throw new ForbiddenException("publishing is disabled: set SSE_PUBLISH_TOKEN, SSE_JWT_SECRET or SSE_JWT_PUBLIC_KEY");
        }
        if (authorization == null || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            throw new NotAuthorizedException("an Authorization: Bearer token is required", CHALLENGE);
        }
        String token = authorization.substring(BEARER.length()).trim();
        if (publishToken != null && MessageDigest.isEqual(publishToken, token.getBytes(StandardCharsets.UTF_8))) {
            return;
        }
        List<String> allowed = verifiedTopics(token);
        if (allowed.stream().noneMatch(pattern -> matches(pattern, topic))) {
            throw new ForbiddenException("this token may not publish to " + topic);
        }
    }

    /** The {@code topics} claim of a JWT this node can verify, signature and time checked. */
    private List<String> verifiedTopics(String token) {
        try {
            SignedJWT jwt = SignedJWT.parse(token);
            JWSVerifier verifier = verifiers.get(jwt.getHeader().getAlgorithm());
            if (verifier == null || !jwt.verify(verifier)) {
                throw new NotAuthorizedException("invalid token", CHALLENGE);
            }
            JWTClaimsSet claims = jwt.getJWTClaimsSet();
            new DefaultJWTClaimsVerifier<>(null, null).verify(claims, null);
            List<String> topics = claims.getStringListClaim("topics");
            return topics == null ? List.of() : topics;
        } catch (ParseException | JOSEException | BadJWTException e) {
            throw new NotAuthorizedException("invalid token", CHALLENGE);
        }
    }

    static boolean matches(String pattern, String topic) {
        if (pattern.equals("*")) {
            return true;
        }
        if (pattern.endsWith("*")) {
            return topic.startsWith(pattern.substring(0, pattern.length() - 1));
        }
        return pattern.equals(topic);
    }

    private static PublicKey publicKey(String pem) throws GeneralSecurityException {
        String base64 = pem.replaceAll("-----(BEGIN|END) PUBLIC KEY-----", "").replaceAll("\\s", "");
        var spec = new X509EncodedKeySpec(Base64.getDecoder().decode(base64));
        try {
            return KeyFactory.getInstance("RSA").generatePublic(spec);
        } catch (GeneralSecurityException notRsa) {
            return KeyFactory.getInstance("EC").generatePublic(spec);
        }
    }
}
