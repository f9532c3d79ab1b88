package io.fileconv.api;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.PlainHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import org.assertj.core.api.Assertions;
import org.assertj.core.api.ThrowableAssert;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

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
    void aVerifiedTokenIsRememberedSoItsKeysAndSignatureAreNotCheckedAgain() throws Exception {
        AtomicInteger keyLookups = new AtomicInteger();
        JWKSource<SecurityContext> keys = issuer.keySource();
        JwtVerifier counting = new JwtVerifier((selector, context) -> {
            keyLookups.incrementAndGet();
            return keys.get(selector, context);
        }, "fileconv-dev", "fileconv");
        String token = "Bearer " + issuer.issue("carol", "uk");

        assertThat(counting.verify(token).getSubject()).isEqualTo("carol");
        assertThat(counting.verify(token).getSubject()).isEqualTo("carol");
        assertThat(keyLookups).as("the second request reused the first one's verification").hasValue(1);
        assertThat(counting.verify("Bearer " + issuer.issue("dave", "uk")).getSubject()).isEqualTo("dave");
        assertThat(keyLookups).as("another token is verified on its own").hasValue(2);
    }

    @Test
    void aRememberedTokenIsRefusedOnceItExpires() throws Exception {
        Instant now = Instant.now();
        // Expired 28 s ago: still accepted within the 30 s skew, for about two more seconds.
        String token = "Bearer " + sign(claims("fileconv-dev", "fileconv", now.minusSeconds(600), now.minusSeconds(28)),
                issuerKeyFromDisk());
        assertThat(verifier.verify(token).getSubject()).isEqualTo("mallory");

        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
                .untilAsserted(() -> assertThatThrownBy(() -> verifier.verify(token))
                        .isInstanceOfSatisfying(Problem.class, p -> assertThat(p.status()).isEqualTo(401)));
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

    @Test
    void refusesTokensWhoseTypIsNotAnAccessTokenSuchAsAnIdToken() throws Exception {
        Instant now = Instant.now();
        JWTClaimsSet c = claims("fileconv-dev", "fileconv", now, now.plusSeconds(300));
        // Same issuer key, valid claims: only the header's typ differs.
        assertThat(verifier.verify("Bearer " + signTyped(c, issuerKeyFromDisk(), "at+jwt")).getSubject()).isEqualTo("mallory");
        assertThat(verifier.verify("Bearer " + signTyped(c, issuerKeyFromDisk(), "application/at+jwt")).getSubject())
                .isEqualTo("mallory");
        for (String idTokenType : new String[]{"JWT", "id_token+jwt", null}) {
            assertThatThrownBy(() -> verifier.verify("Bearer " + signTyped(c, issuerKeyFromDisk(), idTokenType)))
                    .as("typ %s", idTokenType).isInstanceOfSatisfying(Problem.class, p -> {
                        assertThat(p.status()).isEqualTo(401);
                        assertThat(p.body(null)).containsEntry("reason", "not-an-access-token");
                    });
        }
        // An issuer that marks access tokens as plain JWT can be allowed explicitly (FILECONV_JWT_TYPES).
        JwtVerifier lenient = new JwtVerifier(issuer.keySource(), "fileconv-dev", "fileconv",
                JwtVerifier.parseTypes("at+jwt, JWT"));
        assertThat(lenient.verify("Bearer " + signTyped(c, issuerKeyFromDisk(), "JWT")).getSubject()).isEqualTo("mallory");
    }

    @Test
    void refusalsCarryOurWordsNotTheLibrarys() throws Exception {
        Instant now = Instant.now();
        RSAKey key = issuerKeyFromDisk();
        String[] tokens = {
                "not-a-jwt",
                "eyJhbGciOiJSUzI1NiJ9.e30.c2ln",                                                      // typ missing
                sign(claims("fileconv-dev", "fileconv", now.minusSeconds(600), now.minusSeconds(120)), key), // expired
                sign(claims("https://evil.example", "fileconv", now, now.plusSeconds(300)), key),          // issuer
                sign(claims("fileconv-dev", "fileconv", now, now.plusSeconds(300)),
                        new RSAKeyGenerator(2048).keyID(key.getKeyID()).generate()),                        // forged
        };
        Set<String> details = new HashSet<>();
        for (String t : tokens) {
            Problem p = catchProblem(() -> verifier.verify("Bearer " + t));
            String detail = p.getMessage();
            details.add(detail);
            // Nimbus' wording ("Expired JWT", "JWT iss claim has value ...", "Signed JWT rejected", "Invalid
            // serialized ...") and the claim values it quotes must not reach the client.
            assertThat(detail).doesNotContainIgnoringCase("JWT rejected").doesNotContain("Expired JWT")
                    .doesNotContain("evil.example").doesNotContain("Invalid").doesNotContain("claim has value")
                    .doesNotContain("Exception").doesNotContain("nimbus");
        }
        assertThat(details).as("distinct reasons, still ours").hasSizeGreaterThanOrEqualTo(3);
    }

    private static Problem catchProblem(ThrowableAssert.ThrowingCallable call) {
        Throwable t = Assertions.catchThrowable(call);
        assertThat(t).isInstanceOf(Problem.class);
        return (Problem) t;
    }

    private static String signTyped(JWTClaimsSet claims, RSAKey key, String typ) throws Exception {
        JWSHeader.Builder h = new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID());
        if (typ != null) {
            h.type(new JOSEObjectType(typ));
        }
        SignedJWT jwt = new SignedJWT(h.build(), claims);
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }

    private static RSAKey issuerKeyFromDisk() throws Exception {
        return RSAKey.parse(Files.readString(dir.resolve("k.json")));
    }

    private static JWTClaimsSet claims(String iss, String aud, Instant iat, Instant exp) {
        return new JWTClaimsSet.Builder().issuer(iss).audience(aud).subject("mallory")
                .issueTime(Date.from(iat)).expirationTime(Date.from(exp)).build();
    }

    private static String sign(JWTClaimsSet claims, RSAKey key) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).type(DevTokenIssuer.ACCESS_TOKEN)
                .keyID(key.getKeyID()).build(), claims);
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }

    private static void assertUnauthorized(String token) {
        String header = token == null ? null : token.startsWith("Basic") ? token : "Bearer " + token;
        assertThatThrownBy(() -> verifier.verify(header))
                .isInstanceOfSatisfying(Problem.class, p -> assertThat(p.status()).isEqualTo(401));
    }
}
