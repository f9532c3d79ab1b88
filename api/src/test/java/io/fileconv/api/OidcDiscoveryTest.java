package io.fileconv.api;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.fileconv.core.Env;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * An OIDC provider's keys through its discovery document, the issuer chosen by the token's iss next to the
 * development issuer, and the settings' checks.
 */
class OidcDiscoveryTest {
    private HttpServer provider;

    @AfterEach
    void stop() {
        if (provider != null) {
            provider.stop(0);
        }
    }

    @Test
    void keysComeFromTheDiscoveryDocumentWhoseIssuerMustMatch(@TempDir Path dir) throws Exception {
        RSAKey key = new RSAKeyGenerator(2048).keyID("p1").generate();
        AtomicReference<String> documentIssuer = new AtomicReference<>("https://someone-else.example");
        provider = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        String issuer = "http://127.0.0.1:" + provider.getAddress().getPort() + "/realms/acme";
        provider.createContext("/realms/acme/.well-known/openid-configuration", ex -> json(ex,
                "{\"issuer\":\"" + documentIssuer.get() + "\",\"jwks_uri\":\"" + issuer + "/certs\"}"));
        provider.createContext("/realms/acme/certs", ex -> json(ex, new JWKSet(key.toPublicJWK()).toString()));
        provider.start();

        DevTokenIssuer dev = new DevTokenIssuer(dir.resolve("keys").resolve("dev.jwk.json"),
                "fileconv-dev", "fileconv", Duration.ofMinutes(5));
        JwtVerifier verifier = new JwtVerifier(dev.keySource(), "fileconv-dev", "fileconv")
                .orIssuer(issuer, JwtVerifier.fromOidcIssuer(issuer, "fileconv", JwtVerifier.DEFAULT_TYPES));
        String token = "Bearer " + token(key, issuer, "fileconv");

        // A document naming another issuer is not this provider's: no keys, 503 until it is right.
        assertThatThrownBy(() -> verifier.verify(token)).isInstanceOfSatisfying(Problem.class,
                p -> assertThat(p.status()).isEqualTo(503));
        documentIssuer.set(issuer);
        assertThat(verifier.verify(token).getSubject()).isEqualTo("carol");
        // The development issuer's tokens still pass, another issuer's are refused as such, the audience counts.
        assertThat(verifier.verify("Bearer " + dev.issue("dave", "in")).getSubject()).isEqualTo("dave");
        assertThatThrownBy(() -> verifier.verify("Bearer " + token(key, "https://stranger.example", "fileconv")))
                .isInstanceOfSatisfying(Problem.class, p -> assertThat(p.status()).isEqualTo(401));
        assertThatThrownBy(() -> verifier.verify("Bearer " + token(key, issuer, "another-api")))
                .isInstanceOfSatisfying(Problem.class, p -> assertThat(p.status()).isEqualTo(401));
    }

    @Test
    void settingsNeedAClientIdAndAnHttpIssuer() {
        assertThat(ApiSettings.from(new Env(Map.of())).oidc()).isNull();
        ApiSettings.Oidc oidc = ApiSettings.from(new Env(Map.of("FILECONV_OIDC_ISSUER", "https://login.example/r",
                "FILECONV_OIDC_CLIENT_ID", "web"))).oidc();
        assertThat(oidc).isEqualTo(new ApiSettings.Oidc("https://login.example/r", "web",
                ApiSettings.Oidc.DEFAULT_SCOPES));
        assertThatThrownBy(() -> ApiSettings.from(new Env(Map.of("FILECONV_OIDC_ISSUER", "https://login.example/r"))))
                .hasMessageContaining("FILECONV_OIDC_CLIENT_ID");
        assertThatThrownBy(() -> ApiSettings.from(new Env(Map.of("FILECONV_OIDC_ISSUER", "login.example",
                "FILECONV_OIDC_CLIENT_ID", "web")))).hasMessageContaining("http(s) URL");
    }

    private static void json(HttpExchange ex, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(200, bytes.length);
        ex.getResponseBody().write(bytes);
        ex.close();
    }

    private static String token(RSAKey key, String issuer, String audience) throws Exception {
        Instant now = Instant.now();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).type(new JOSEObjectType("at+jwt"))
                .keyID(key.getKeyID()).build(), new JWTClaimsSet.Builder().issuer(issuer).audience(audience)
                .subject("carol").issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(300))).build());
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }
}
