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
import org.ssehub.config.Settings;

class PublishersTest {

    private static final String SECRET = "a-test-secret-of-at-least-32-bytes!!";

    @Test
    void withNothingConfiguredPublishingIsRefused() {
        var error = assertThrows(ForbiddenException.class, () -> publishers(Map.of()).authorize("Bearer x", "news"));
        assertTrue(error.getMessage().contains("SSE_PUBLISH_TOKEN"));
    }

    @Test
    void theStaticTokenMayPublishAnywhere() {
        Publishers publishers = publishers(Map.of("SSE_PUBLISH_TOKEN", "s3cret"));
        assertDoesNotThrow(() -> publishers.authorize("Bearer s3cret", "news"));
        assertDoesNotThrow(() -> publishers.authorize("bearer s3cret", "any.topic"));
        for (String bad : new String[] {null, "", "s3cret", "Basic czNjcmV0", "Bearer", "Bearer s3cre", "Bearer s3cret2"}) {
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
        assertTrue(Publishers.matches("*", "anything"));
        assertTrue(Publishers.matches("a.*", "a.b"));
        assertTrue(!Publishers.matches("a.*", "ab"));
        assertTrue(Publishers.matches("a", "a"));
        assertTrue(!Publishers.matches("a", "ab"));
    }

    private static Publishers publishers(Map<String, String> env) {
        var publishers = new Publishers();
        publishers.settings = Settings.from(env::get);
        publishers.start();
        return publishers;
    }

    private static String token(JWSSigner signer, JWSAlgorithm algorithm, List<String> topics, long expiresInSeconds)
            throws Exception {
        var claims = new JWTClaimsSet.Builder()
                .subject("publisher")
                .claim("topics", topics)
                .expirationTime(new Date(System.currentTimeMillis() + expiresInSeconds * 1000))
                .build();
        var jwt = new SignedJWT(new JWSHeader(algorithm), claims);
        jwt.sign(signer);
        return jwt.serialize();
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
