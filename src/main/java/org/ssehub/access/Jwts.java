package org.ssehub.access;

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
import jakarta.inject.Inject;
import jakarta.ws.rs.NotAuthorizedException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
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
 * The JWTs the hub accepts, from publishers ({@code topics} claim) and subscribers ({@code subscribe} claim) alike:
 * signed with {@code SSE_JWT_SECRET} (HS256) or the key in {@code SSE_JWT_PUBLIC_KEY} (RS256/384/512, or ES256/384/512
 * by the key's curve), with {@code exp}, at most {@code SSE_JWT_MAX_LIFETIME_SECONDS} ahead, and the audience and
 * issuer if configured. The keys are checked at deployment, so a weak or broken one stops the app.
 */
@ApplicationScoped
public class Jwts {

    public static final String CHALLENGE = "Bearer realm=\"sse-hub\"";
    static final int MIN_SECRET_BYTES = 32;
    private static final String BEARER = "Bearer ";
    static final int MIN_RSA_BITS = 2048;
    private static final Map<Curve, JWSAlgorithm> EC_ALGORITHMS = Map.of(
            Curve.P_256, JWSAlgorithm.ES256, Curve.P_384, JWSAlgorithm.ES384, Curve.P_521, JWSAlgorithm.ES512);

    @Inject
    Settings settings;

    private final Map<JWSAlgorithm, JWSVerifier> verifiers = new HashMap<>();
    private DefaultJWTClaimsVerifier<?> claimsVerifier;

    /** The verifier for {@code settings}, outside CDI (tests). */
    public static Jwts of(Settings settings) {
        var jwts = new Jwts();
        jwts.settings = settings;
        jwts.start();
        return jwts;
    }

    @PostConstruct
    void start() {
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

    /** The token of an {@code Authorization: Bearer} header (scheme in any case), or null for any other header. */
    public static String bearerToken(String authorization) {
        return authorization != null && authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())
                ? authorization.substring(BEARER.length()).trim() : null;
    }

    /** Whether any key is configured: without one, no JWT is accepted. */
    public boolean configured() {
        return !verifiers.isEmpty();
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

    /**
     * The topic patterns in claim {@code claimName} of {@code token}, its signature, times, audience and issuer
     * checked; a missing claim grants nothing. Throws 401 with the reason if the token is not one to accept.
     */
    public Grant verify(String token, String claimName) {
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
        Object claim = claims.getClaim(claimName);
        if (claim != null && !(claim instanceof List)) {
            throw invalid("its " + claimName + " claim is not a list");
        }
        List<?> topics = claim == null ? List.of() : (List<?>) claim;
        for (Object pattern : topics) {
            if (!(pattern instanceof String text) || !TopicNames.isPattern(text)) {
                throw invalid("its " + claimName + " claim holds " + pattern + ", which is not " + TopicNames.PATTERN_RULE);
            }
        }
        return new Grant(topics.stream().map(String.class::cast).toList(), claims.getExpirationTime().toInstant());
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
