package io.fileconv.api;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.PlainHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JwtVerifierTest {
    @TempDir
    static Path dir;
    static DevTokenIssuer issuer;
    static JwtVerifier verifier;

    @BeforeAll
    static void setUp() throws Exception {
        issuer = new DevTokenIssuer(dir.resolve("k.json"), "fileconv-dev", "fileconv", Duration.ofMinutes(5));
        verifier = new JwtVerifier(issuer.keySource(), "fileconv-dev", "fileconv");
    }

    @Test
    void acceptsTheIssuersTokenAndReadsTheSubject() throws Exception {
        assertThat(verifier.verify("Bearer " + issuer.issue("alice", "in")).getSubject()).isEqualTo("alice");
    }

    @Test
    void keyIsKeptAcrossRestarts() throws Exception {
        DevTokenIssuer again = new DevTokenIssuer(dir.resolve("k.json"), "fileconv-dev", "fileconv", Duration.ofMinutes(5));
        assertThat(verifier.verify("Bearer " + again.issue("bob", "us")).getSubject()).isEqualTo("bob");
    }

    @Test
    void refusesMissingAndMalformedHeaders() {
        assertUnauthorized(null);
        assertUnauthorized("Basic abc");
        assertUnauthorized("Bearer not-a-jwt");
    }

    @Test
    void refusesExpiredWrongIssuerWrongAudienceAndForgedTokens() throws Exception {
        RSAKey forger = new RSAKeyGenerator(2048).keyID("evil").generate();
        Instant now = Instant.now();
        assertUnauthorized(sign(claims("fileconv-dev", "fileconv", now.minusSeconds(600), now.minusSeconds(120)),
                issuerKeyFromDisk()));
        assertUnauthorized(sign(claims("someone-else", "fileconv", now, now.plusSeconds(300)), issuerKeyFromDisk()));
        assertUnauthorized(sign(claims("fileconv-dev", "other-app", now, now.plusSeconds(300)), issuerKeyFromDisk()));
        assertUnauthorized(sign(claims("fileconv-dev", "fileconv", now, now.plusSeconds(300)), forger));
    }

    @Test
    void refusesUnsignedAlgNoneTokens() {
        Instant now = Instant.now();
        String none = new PlainJWT(new PlainHeader(), claims("fileconv-dev", "fileconv", now, now.plusSeconds(300)))
                .serialize();
        assertUnauthorized(none);
    }

    private static RSAKey issuerKeyFromDisk() throws Exception {
        return RSAKey.parse(java.nio.file.Files.readString(dir.resolve("k.json")));
    }

    private static JWTClaimsSet claims(String iss, String aud, Instant iat, Instant exp) {
        return new JWTClaimsSet.Builder().issuer(iss).audience(aud).subject("mallory")
                .issueTime(Date.from(iat)).expirationTime(Date.from(exp)).build();
    }

    private static String sign(JWTClaimsSet claims, RSAKey key) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), claims);
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }

    private static void assertUnauthorized(String token) {
        String header = token == null ? null : token.startsWith("Basic") ? token : "Bearer " + token;
        assertThatThrownBy(() -> verifier.verify(header))
                .isInstanceOfSatisfying(Problem.class, p -> assertThat(p.status()).isEqualTo(401));
    }
}
