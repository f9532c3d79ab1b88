package io.fileconv.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.fileconv.core.Region;
import io.fileconv.testkit.ApiClient;
import io.fileconv.testkit.ImageBombs;
import io.fileconv.testkit.RawHttp;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Abuse rules of issue 16 on the API under test, over HTTP: token faults answered in our words (never
 * Nimbus'), an ID token refused as an access token, an image bomb refused at upload, and the development issuer
 * reachable on loopback only with its key owner-only.
 */
@ExtendWith(ApiUnderTest.class)
class AbuseRulesTest {
    static TestApi server;
    static ApiClient api;
    static RSAKey issuerKey;

    /** Phrases of Nimbus JOSE+JWT's exception messages (and what it quotes): none may reach a client. */
    static final List<String> LIBRARY_TEXT = List.of("Invalid serialized", "Invalid JWS", "Expired JWT",
            "Signed JWT rejected", "JWT iss claim", "JWT audience rejected", "Missing dot", "Payload of JWS",
            "Unexpected number of Base64URL", "JOSE header", "ParseException", "nimbus", "Exception",
            "https://evil.example", "not allowed");

    @BeforeAll
    static void setUp(TestApi s) throws Exception {
        server = s;
        api = new ApiClient(s.baseUrl());
        issuerKey = RSAKey.parse(Files.readString(keyFile()));
    }

    static Path keyFile() {
        return server.devKeyFile();
    }

    static String sign(JWTClaimsSet claims, String typ) throws Exception {
        JWSHeader.Builder h = new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(issuerKey.getKeyID());
        if (typ != null) {
            h.type(new JOSEObjectType(typ));
        }
        SignedJWT jwt = new SignedJWT(h.build(), claims);
        jwt.sign(new RSASSASigner(issuerKey));
        return jwt.serialize();
    }

    static JWTClaimsSet.Builder claims() {
        Instant now = Instant.now();
        return new JWTClaimsSet.Builder().issuer("fileconv-dev").audience("fileconv").subject("token-abuser")
                .issueTime(Date.from(now.minusSeconds(60))).expirationTime(Date.from(now.plusSeconds(300)));
    }

    @Test
    void tokenRefusalsAreOursNeverTheLibrarys() throws Exception {
        Map<String, String> tokens = new LinkedHashMap<>();
        tokens.put("not a JWT", "garbage");
        tokens.put("three dots of junk", "a.b.c");
        tokens.put("bad base64 payload", "eyJhbGciOiJSUzI1NiIsInR5cCI6ImF0K2p3dCJ9.!!!.x");
        tokens.put("expired", sign(claims().expirationTime(Date.from(Instant.now().minusSeconds(300))).build(), "at+jwt"));
        tokens.put("foreign issuer", sign(claims().issuer("https://evil.example").build(), "at+jwt"));
        tokens.put("ID token (typ JWT)", sign(claims().claim("nonce", "n-0S6_WzA2Mj").build(), "JWT"));
        tokens.put("no typ", sign(claims().build(), null));
        for (Map.Entry<String, String> t : tokens.entrySet()) {
            HttpResponse<String> r = api.get(t.getValue(), "/api/v1/files");
            assertThat(r.statusCode()).as(t.getKey()).isEqualTo(401);
            JsonNode p = ApiClient.json(r.body());
            assertThat(p.get("type").asText()).isEqualTo("https://fileconv.io/problems/unauthorized");
            String detail = p.get("detail").asText();
            for (String phrase : LIBRARY_TEXT) {
                assertThat(detail).as("%s: %s", t.getKey(), detail).doesNotContainIgnoringCase(phrase);
            }
        }
        assertThat(ApiClient.json(api.get(tokens.get("ID token (typ JWT)"), "/api/v1/files").body()).get("reason")
                .asText()).isEqualTo("not-an-access-token");
        // The very same claims as an access token pass: typ is the only difference.
        assertThat(api.get(sign(claims().build(), "at+jwt"), "/api/v1/files").statusCode()).isEqualTo(200);
    }

    @Test
    void anImageBombIsRefusedAtUploadFromItsHeaderAndNothingIsWritten() throws Exception {
        String user = "bomb-thrower";
        String token = api.token(user, "us");
        byte[] bomb = ImageBombs.pngClaiming(100_000, 100_000); // 10^10 pixels, 40 GB decoded, ~70 bytes
        HttpResponse<String> r = api.upload(token, "bomb.png", bomb);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(422);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        assertThat(ApiClient.json(r.body()).get("type").asText())
                .isEqualTo("https://fileconv.io/problems/image-too-many-pixels");
        assertThat(server.files(Region.US).listOwned(user, null, null, 10)).isEmpty();
        assertThat(server.objectStore().client().listObjectsV2(b -> b.bucket(Region.US.defaultBucket())
                .prefix(user + "/")).contents()).isEmpty();
        // The same small PNG with an honest header is accepted.
        assertThat(api.upload(token, "small.png", ImageBombs.pngClaiming(1, 1)).statusCode()).isEqualTo(201);
    }

    @Test
    void theDevelopmentIssuerListensOnLoopbackOnly() throws Exception {
        int port = RawHttp.port(server.baseUrl());
        InetAddress external = null;
        for (NetworkInterface ni : NetworkInterface.networkInterfaces().toList()) {
            for (InetAddress a : ni.inetAddresses().toList()) {
                if (ni.isUp() && !a.isLoopbackAddress() && a instanceof Inet4Address) {
                    external = a;
                }
            }
        }
        Assumptions.assumeTrue(external != null, "this machine has no non-loopback IPv4 address to try");
        InetAddress target = external;
        assertThatThrownBy(() -> {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(target, port), 5_000);
            }
        }).as("API port %d on %s", port, target).isInstanceOf(ConnectException.class);
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
        }
    }

    @Test
    void theIssuersKeyIsOwnerOnly() throws Exception {
        Assumptions.assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile()))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile().getParent())))
                .isEqualTo("rwx------");
    }
}
