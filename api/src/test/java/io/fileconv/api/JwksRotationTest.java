package io.fileconv.api;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The issuer rotates its signing key: the API accepts tokens of the new key without a restart. */
class JwksRotationTest {
    private HttpServer issuer;

    @AfterEach
    void stop() {
        if (issuer != null) {
            issuer.stop(0);
        }
    }

    @Test
    void aNewKeyIsFetchedWhenATokenNamesAnUnknownKeyId() throws Exception {
        RSAKey oldKey = new RSAKeyGenerator(2048).keyID("k1").generate();
        RSAKey newKey = new RSAKeyGenerator(2048).keyID("k2").generate();
        RSAKey stranger = new RSAKeyGenerator(2048).keyID("k3").generate();
        AtomicReference<JWKSet> published = new AtomicReference<>(new JWKSet(oldKey.toPublicJWK()));
        AtomicInteger fetches = new AtomicInteger();
        issuer = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        issuer.createContext("/jwks.json", ex -> {
            fetches.incrementAndGet();
            byte[] body = published.get().toString().getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        issuer.start();
        JwtVerifier verifier = JwtVerifier.fromJwksUrl("http://127.0.0.1:" + issuer.getAddress().getPort()
                + "/jwks.json", "https://issuer.example", "fileconv");

        assertThat(verifier.verify("Bearer " + token(oldKey)).getSubject()).isEqualTo("alice");
        int afterFirst = fetches.get();
        assertThat(verifier.verify("Bearer " + token(oldKey)).getSubject()).isEqualTo("alice");
        assertThat(fetches.get()).as("keys are cached").isEqualTo(afterFirst);

        published.set(new JWKSet(List.of(oldKey.toPublicJWK(), newKey.toPublicJWK())));
        assertThat(verifier.verify("Bearer " + token(newKey)).getSubject()).isEqualTo("alice");
        assertThat(fetches.get()).as("unknown kid triggers a refresh").isGreaterThan(afterFirst);

        assertThatThrownBy(() -> verifier.verify("Bearer " + token(stranger))).isInstanceOf(Problem.class);
    }

    private static String token(RSAKey key) throws Exception {
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer("https://issuer.example").audience("fileconv")
                .subject("alice").issueTime(new Date()).expirationTime(Date.from(Instant.now().plusSeconds(300))).build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).type(DevTokenIssuer.ACCESS_TOKEN)
                .keyID(key.getKeyID()).build(), claims);
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }
}
