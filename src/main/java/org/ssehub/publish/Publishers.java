package org.ssehub.publish;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
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
import java.time.Instant;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.ssehub.config.Settings;
import org.ssehub.topics.TopicNames;

/**
 * Decides who may publish to a topic: a bearer token equal to {@code SSE_PUBLISH_TOKEN} may publish anywhere; a
 * JWT signed with {@code SSE_JWT_SECRET} (HS256) or the key in {@code SSE_JWT_PUBLIC_KEY} (RS256/384/512, or
 * ES256/384/512 by the key's curve) may publish to the topics its {@code topics} claim lists. With none of them
 * configured, publishing is refused: secure by default. The credentials are checked at deployment, so a weak or
 * broken one stops the app instead of failing at the first publish.
 */
@ApplicationScoped
public class Publishers {

    static final String CHALLENGE = "Bearer realm=\"sse-hub\"";
    static final int MIN_TOKEN_CHARS = 16;
    static final int MIN_SECRET_BYTES = 32;
    static final int MIN_RSA_BITS = 2048;
    private static final String BEARER = "Bearer ";
    private static final Map<Curve, JWSAlgorithm> EC_ALGORITHMS = Map.of(
            Curve.P_256, JWSAlgorithm.ES256, Curve.P_384, JWSAlgorithm.ES384, Curve.P_521, JWSAlgorithm.ES512);

    @Inject
    Settings settings;

    private final Map<JWSAlgorithm, JWSVerifier> verifiers = new HashMap<>();
    private byte[] publishToken;
    private DefaultJWTClaimsVerifier<?> claimsVerifier;

    @PostConstruct
    void start() {
        if (settings.publishToken() != null) {
            if (settings.publishToken().length() < MIN_TOKEN_CHARS) {
                throw new IllegalArgumentException("SSE_PUBLISH_TOKEN must be at least " + MIN_TOKEN_CHARS + " characters");
            }
            publishToken = settings.publishToken().getBytes(StandardCharsets.UTF_8);
        }
        if (settings.jwtSecret() != null) {
            byte[] secret = settings.jwtSecret().getBytes(StandardCharsets.UTF_8);
            if (secret.length < MIN_SECRET_BYTES) {
                throw new IllegalArgumentException("SSE_JWT_SECRET must be at least " + MIN_SECRET_BYTES + " bytes, was " + secret.length);
            }
            try {
                verifiers.put(JWSAlgorithm.HS256, new MACVerifier(secret));
            } catch (JOSEException e) {
                throw new IllegalArgumentException("SSE_JWT_SECRET is unusable: " + e.getMessage(), e);
            }
        }
        if (settings.jwtPublicKey() != null) {
            addPublicKey(publicKey(settings.jwtPublicKey()));
        }
        Set<String> audience = settings.jwtAudience() == null ? null : Collections.singleton(settings.jwtAudience());
        var issuer = new JWTClaimsSet.Builder();
        if (settings.jwtIssuer() != null) {
            issuer.issuer(settings.jwtIssuer());
        }
        claimsVerifier = new DefaultJWTClaimsVerifier<>(audience, issuer.build(), Set.of("exp"), null);
        claimsVerifier.setMaxClockSkew((int) settings.jwtClockSkew().toSeconds());
    }

    /** Reads the credentials as the app starts, so that a bad one fails the deployment. */
    void checkAtDeployment(@Observes @Initialized(ApplicationScoped.class) Object deployed) {
    }

    private void addPublicKey(PublicKey key) {
        try {
            if (key instanceof RSAPublicKey rsa) {
                int bits = rsa.getModulus().bitLength();
                if (bits < MIN_RSA_BITS) {
                    throw new IllegalArgumentException("SSE_JWT_PUBLIC_KEY is an RSA key of " + bits + " bits; at least "
                            + MIN_RSA_BITS + " are needed");
                }
                var verifier = new RSASSAVerifier(rsa);
                List.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512).forEach(a -> verifiers.put(a, verifier));
            } else if (key instanceof ECPublicKey ec) {
                Curve curve = Curve.forECParameterSpec(ec.getParams());
                JWSAlgorithm algorithm = curve == null ? null : EC_ALGORITHMS.get(curve);
                if (algorithm == null) {
                    throw new IllegalArgumentException("SSE_JWT_PUBLIC_KEY is an EC key on " + (curve == null ? "an unknown curve" : curve)
                            + "; only P-256, P-384 and P-521 are supported");
                }
                verifiers.put(algorithm, new ECDSAVerifier(ec));
            } else {
                throw new IllegalArgumentException("SSE_JWT_PUBLIC_KEY must be an RSA or EC key, was " + key.getAlgorithm());
            }
        } catch (JOSEException e) {
            throw new IllegalArgumentException("SSE_JWT_PUBLIC_KEY is unusable: " + e.getMessage(), e);
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
        if (allowed.stream().noneMatch(pattern -> TopicNames.matches(pattern, topic))) {
            throw new ForbiddenException("this token may not publish to " + topic);
        }
    }

    /** The {@code topics} claim of a JWT this node can verify, its signature, times, audience and issuer checked. */
    private List<String> verifiedTopics(String token) {
        JWTClaimsSet claims;
        try {
            SignedJWT jwt = SignedJWT.parse(token);
            JWSVerifier verifier = verifiers.get(jwt.getHeader().getAlgorithm());
            if (verifier == null || !jwt.verify(verifier)) {
                throw invalid("its signature or algorithm does not match the configured key");
            }
            claims = jwt.getJWTClaimsSet();
            claimsVerifier.verify(claims, null);
        } catch (ParseException | JOSEException | IllegalStateException e) {
            throw invalid("it is not a signed JWT");
        } catch (BadJWTException e) {
            throw invalid(e.getMessage());
        }
        Instant latest = Instant.now().plus(settings.jwtMaxLifetime()).plus(settings.jwtClockSkew());
        if (claims.getExpirationTime().toInstant().isAfter(latest)) {
            throw invalid("it expires more than SSE_JWT_MAX_LIFETIME_SECONDS (" + settings.jwtMaxLifetime().toSeconds() + ") from now");
        }
        Object claim = claims.getClaim("topics");
        if (claim != null && !(claim instanceof List)) {
            throw invalid("its topics claim is not a list");
        }
        List<?> topics = claim == null ? List.of() : (List<?>) claim;
        for (Object pattern : topics) {
            if (!(pattern instanceof String text) || !TopicNames.isPattern(text)) {
                throw invalid("its topics claim holds " + pattern + ", which is not " + TopicNames.PATTERN_RULE);
            }
        }
        return topics.stream().map(String.class::cast).toList();
    }

    private static NotAuthorizedException invalid(String why) {
        return new NotAuthorizedException("invalid token: " + why, CHALLENGE);
    }

    private static PublicKey publicKey(String pem) {
        String base64 = pem.replaceAll("-----(BEGIN|END) PUBLIC KEY-----", "").replaceAll("\\s", "");
        X509EncodedKeySpec spec;
        try {
            spec = new X509EncodedKeySpec(Base64.getDecoder().decode(base64));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("SSE_JWT_PUBLIC_KEY is not a PEM public key: " + e.getMessage(), e);
        }
        for (String algorithm : List.of("RSA", "EC")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePublic(spec);
            } catch (GeneralSecurityException tryNext) {
                // the next type, or the error below
            }
        }
        throw new IllegalArgumentException("SSE_JWT_PUBLIC_KEY is not a PEM public key (-----BEGIN PUBLIC KEY-----) of RSA,"
                + " or of EC on P-256, P-384 or P-521");
    }
}
