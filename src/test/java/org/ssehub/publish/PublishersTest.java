package org.ssehub.publish;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import jakarta.ws.rs.ForbiddenException;
import jakarta.ws.rs.NotAuthorizedException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPrivateKey;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.ssehub.access.Jwts;
import org.ssehub.config.Settings;
import org.ssehub.topics.TopicNames;

class PublishersTest {

    private static final String SECRET = "a-test-secret-of-at-least-32-bytes!!";

    @Test
    void withNothingConfiguredPublishingIsRefused() {
        var error = assertThrows(ForbiddenException.class, () -> publishers(Map.of()).authorize("Bearer x", "news"));
        assertTrue(error.getMessage().contains("SSE_PUBLISH_TOKEN"));
    }

    @Test
    void theStaticTokenMayPublishAnywhere() {
        Publishers publishers = publishers(Map.of("SSE_PUBLISH_TOKEN", "a-static-token-of-16+"));
        assertDoesNotThrow(() -> publishers.authorize("Bearer a-static-token-of-16+", "news"));
        assertDoesNotThrow(() -> publishers.authorize("bearer a-static-token-of-16+", "any.topic"));
        for (String bad : new String[] {null, "", "a-static-token-of-16+", "Basic YS1zdGF0aWMtdG9rZW4tb2YtMTYr", "Bearer", "Bearer a-static-token-of-16", "Bearer a-static-token-of-16+x"}) {
            var error = assertThrows(NotAuthorizedException.class, () -> publishers.authorize(bad, "news"), String.valueOf(bad));
            assertEquals(List.of(Publishers.CHALLENGE), error.getChallenges());
        }
    }

    @Test
    void anHs256TokenMayPublishToTheTopicsItsClaimCovers() throws Exception {
        Publishers publishers = publishers(Map.of("SSE_JWT_SECRET", SECRET));
        String token = token(new MACSigner(SECRET), JWSAlgorithm.HS256, List.of("news", "sport.*"), 60);
        assertDoesNotThrow(() -> publishers.authorize("Bearer " + token, "news"));
        assertDoesNotThrow(() -> publishers.authorize("Bearer " + token, "sport.football"));
        assertThrows(ForbiddenException.class, () -> publishers.authorize("Bearer " + token, "weather"));
        assertThrows(ForbiddenException.class, () -> publishers.authorize("Bearer " + token, "newsroom"));
    }

    @Test
    void expiredWronglySignedOrMalformedTokensAreRefused() throws Exception {
        Publishers publishers = publishers(Map.of("SSE_JWT_SECRET", SECRET));
        String expired = token(new MACSigner(SECRET), JWSAlgorithm.HS256, List.of("*"), -3600);
        String otherKey = token(new MACSigner(SECRET.replace('a', 'b')), JWSAlgorithm.HS256, List.of("*"), 60);
        for (String bad : new String[] {expired, otherKey, "not.a.jwt", expired.substring(0, expired.length() - 2)}) {
            assertThrows(NotAuthorizedException.class, () -> publishers.authorize("Bearer " + bad, "news"));
        }
    }

    @Test
    void rs256AndEs256TokensAreCheckedWithThePublicKey() throws Exception {
        KeyPair rsa = generate("RSA", 2048);
        Publishers byRsa = publishers(Map.of("SSE_JWT_PUBLIC_KEY", pem(rsa)));
        String rs256 = token(new RSASSASigner(rsa.getPrivate()), JWSAlgorithm.RS256, List.of("*"), 60);
        assertDoesNotThrow(() -> byRsa.authorize("Bearer " + rs256, "news"));

        KeyPair ec = generate("EC", 256);
        Publishers byEc = publishers(Map.of("SSE_JWT_PUBLIC_KEY", pem(ec)));
        String es256 = token(new ECDSASigner((ECPrivateKey) ec.getPrivate()), JWSAlgorithm.ES256, List.of("news"), 60);
        assertDoesNotThrow(() -> byEc.authorize("Bearer " + es256, "news"));
        assertThrows(NotAuthorizedException.class, () -> byEc.authorize("Bearer " + rs256, "news"), "an RS256 token against an EC key");

        String hs256 = token(new MACSigner(SECRET), JWSAlgorithm.HS256, List.of("*"), 60);
        assertThrows(NotAuthorizedException.class, () -> byRsa.authorize("Bearer " + hs256, "news"), "no algorithm switch to HS256");
    }

    @Test
    void patterns() {
        assertTrue(TopicNames.matches("*", "anything"));
        assertTrue(TopicNames.matches("a.*", "a.b"));
        assertTrue(!TopicNames.matches("a.*", "ab"));
        assertTrue(TopicNames.matches("a", "a"));
        assertTrue(!TopicNames.matches("a", "ab"));
    }

    @Test
    void weakOrBrokenCredentialsStopTheAppAsItStarts() throws Exception {
        assertRefusedAtStart(Map.of("SSE_PUBLISH_TOKEN", "x".repeat(15)), "SSE_PUBLISH_TOKEN", "16");
        assertDoesNotThrow(() -> publishers(Map.of("SSE_PUBLISH_TOKEN", "x".repeat(16))));
        assertRefusedAtStart(Map.of("SSE_JWT_SECRET", "s".repeat(31)), "SSE_JWT_SECRET", "32");
        assertRefusedAtStart(Map.of("SSE_JWT_PUBLIC_KEY", pem(generate("RSA", 1024))), "SSE_JWT_PUBLIC_KEY", "1024", "2048");
        assertRefusedAtStart(Map.of("SSE_JWT_PUBLIC_KEY", pem(KeyPairGenerator.getInstance("Ed25519").generateKeyPair())),
                "SSE_JWT_PUBLIC_KEY", "P-256");
        assertRefusedAtStart(Map.of("SSE_JWT_PUBLIC_KEY", "-----BEGIN PUBLIC KEY-----\nnot base64!\n-----END PUBLIC KEY-----"),
                "SSE_JWT_PUBLIC_KEY");
        assertRefusedAtStart(Map.of("SSE_JWT_PUBLIC_KEY", "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----"),
                "SSE_JWT_PUBLIC_KEY");
    }

    @Test
    void es384AndEs512FollowTheKeysCurve() throws Exception {
        for (var curve : Map.of(384, JWSAlgorithm.ES384, 521, JWSAlgorithm.ES512).entrySet()) {
            KeyPair ec = generate("EC", curve.getKey());
            Publishers publishers = publishers(Map.of("SSE_JWT_PUBLIC_KEY", pem(ec)));
            String token = token(new ECDSASigner((ECPrivateKey) ec.getPrivate()), curve.getValue(), List.of("news"), 60);
            assertDoesNotThrow(() -> publishers.authorize("Bearer " + token, "news"), curve.getValue().getName());
        }
    }

    @Test
    void aTokenMustExpireWithinTheMaximumLifetime() throws Exception {
        Publishers publishers = publishers(Map.of("SSE_JWT_SECRET", SECRET, "SSE_JWT_MAX_LIFETIME_SECONDS", "3600",
                "SSE_JWT_CLOCK_SKEW_SECONDS", "30"));
        var noExpiry = new JWTClaimsSet.Builder().claim("topics", List.of("*"));
        assertThrows(NotAuthorizedException.class, () -> publishers.authorize(hs256(noExpiry), "news"), "exp is required");
        assertThrows(NotAuthorizedException.class, () -> publishers.authorize(hs256(claims(3600 + 60)), "news"), "past the lifetime");
        assertDoesNotThrow(() -> publishers.authorize(hs256(claims(3600)), "news"));
        assertDoesNotThrow(() -> publishers.authorize(hs256(claims(-10)), "news"), "expired within the clock skew");
        assertThrows(NotAuthorizedException.class, () -> publishers.authorize(hs256(claims(-60)), "news"), "expired past the skew");
        var later = claims(600).notBeforeTime(new Date(System.currentTimeMillis() + 120_000));
        assertThrows(NotAuthorizedException.class, () -> publishers.authorize(hs256(later), "news"), "not valid yet");
        var soon = claims(600).notBeforeTime(new Date(System.currentTimeMillis() + 10_000));
        assertDoesNotThrow(() -> publishers.authorize(hs256(soon), "news"), "nbf within the clock skew");
    }

    @Test
    void audienceAndIssuerAreCheckedWhenConfigured() throws Exception {
        Publishers publishers = publishers(Map.of("SSE_JWT_SECRET", SECRET, "SSE_JWT_AUDIENCE", "sse-hub", "SSE_JWT_ISSUER", "https://issuer.example"));
        assertDoesNotThrow(() -> publishers.authorize(hs256(claims(60).audience("sse-hub").issuer("https://issuer.example")), "news"));
        assertDoesNotThrow(() -> publishers.authorize(hs256(claims(60).audience(List.of("other", "sse-hub")).issuer("https://issuer.example")), "news"));
        for (var bad : List.of(claims(60).issuer("https://issuer.example"), claims(60).audience("other").issuer("https://issuer.example"),
                claims(60).audience("sse-hub"), claims(60).audience("sse-hub").issuer("https://evil.example"))) {
            assertThrows(NotAuthorizedException.class, () -> publishers.authorize(hs256(bad), "news"), bad.build().toString());
        }
        Publishers unconfigured = publishers(Map.of("SSE_JWT_SECRET", SECRET));
        assertDoesNotThrow(() -> unconfigured.authorize(hs256(claims(60).audience("anything").issuer("anyone")), "news"));
    }

    @Test
    void aTopicsClaimThatIsNotAListOfPatternsIsRefusedNot500() throws Exception {
        Publishers publishers = publishers(Map.of("SSE_JWT_SECRET", SECRET));
        var nullPattern = new java.util.ArrayList<String>();
        nullPattern.add(null);
        for (Object topics : List.of(nullPattern, List.of("news*"), List.of("news.**"), List.of(""), List.of(1), "news", Map.of("a", "b"))) {
            var bad = claims(60).claim("topics", topics);
            var error = assertThrows(NotAuthorizedException.class, () -> publishers.authorize(hs256(bad), "news"), topics.toString());
            assertEquals(List.of(Publishers.CHALLENGE), error.getChallenges());
        }
        var none = new JWTClaimsSet.Builder().expirationTime(new Date(System.currentTimeMillis() + 60_000));
        assertThrows(ForbiddenException.class, () -> publishers.authorize(hs256(none), "news"), "no topics claim: no topic");
    }

    private static Publishers publishers(Map<String, String> env) {
        var publishers = new Publishers();
        publishers.settings = Settings.from(env::get);
        publishers.jwts = Jwts.of(publishers.settings);
        publishers.start();
        return publishers;
    }

    private static String token(JWSSigner signer, JWSAlgorithm algorithm, List<String> topics, long expiresInSeconds)
            throws Exception {
        return token(signer, algorithm, new JWTClaimsSet.Builder()
                .subject("publisher")
                .claim("topics", topics)
                .expirationTime(new Date(System.currentTimeMillis() + expiresInSeconds * 1000)));
    }

    private static String token(JWSSigner signer, JWSAlgorithm algorithm, JWTClaimsSet.Builder claims) throws Exception {
        var jwt = new SignedJWT(new JWSHeader(algorithm), claims.build());
        jwt.sign(signer);
        return jwt.serialize();
    }

    private static String hs256(JWTClaimsSet.Builder claims) throws Exception {
        return "Bearer " + token(new MACSigner(SECRET), JWSAlgorithm.HS256, claims);
    }

    private static JWTClaimsSet.Builder claims(long expiresInSeconds) {
        return new JWTClaimsSet.Builder().claim("topics", List.of("*"))
                .expirationTime(new Date(System.currentTimeMillis() + expiresInSeconds * 1000));
    }

    private static void assertRefusedAtStart(Map<String, String> env, String... inMessage) {
        var error = assertThrows(IllegalArgumentException.class, () -> publishers(env), env.toString());
        for (String part : inMessage) {
            assertTrue(error.getMessage().contains(part), error.getMessage());
        }
    }

    private static KeyPair generate(String algorithm, int size) throws Exception {
        var generator = KeyPairGenerator.getInstance(algorithm);
        generator.initialize(size);
        return generator.generateKeyPair();
    }

    private static String pem(KeyPair pair) {
        return "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(pair.getPublic().getEncoded())
                + "\n-----END PUBLIC KEY-----\n";
    }
}
