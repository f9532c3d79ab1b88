package io.fileconv.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.PlainHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import io.fileconv.core.Region;
import io.fileconv.testkit.ApiClient;
import io.fileconv.testkit.SampleDocuments;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every rule of the API, sent as the bad request over HTTP: status, problem type, and nothing written (row and
 * object counts of all three regions unchanged). Plus size boundaries, clean display names, idempotent uploads and
 * the OpenAPI document. No pipeline runs under this API, so nothing is written after an answer and counts compare
 * without waiting for conversions. The rules that need a conversion (IDOR on the PDF of a converted file, region
 * isolation of its outputs, cancel racing completion) are local's ApiRulesEndToEndTest.
 */
@ExtendWith(ApiUnderTest.class)
class ApiRulesTest {
    static TestApi server;
    static ApiClient api;
    static RSAKey issuerKey;
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void setUp(TestApi s) throws Exception {
        server = s;
        api = new ApiClient(s.baseUrl());
        issuerKey = RSAKey.parse(Files.readString(s.devKeyFile()));
    }

    // ---- helpers ------------------------------------------------------------------------------------------

    record Counts(long rows, long objects) {
    }

    static Counts counts() throws Exception {
        long rows = 0;
        long objects = 0;
        try (Connection c = DriverManager.getConnection(server.infra().jdbcBase(), "root", "")) {
            for (Region r : Region.values()) {
                try (ResultSet rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM " + r.database() + ".files")) {
                    rs.next();
                    rows += rs.getLong(1);
                }
                objects += server.objectStore().client().listObjectsV2Paginator(b -> b.bucket(r.defaultBucket()))
                        .contents().stream().count();
            }
        }
        return new Counts(rows, objects);
    }

    static void assertProblem(HttpResponse<String> r, int status, String slug) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        assertThat(ApiClient.json(r.body()).get("type").asText()).isEqualTo("https://fileconv.io/problems/" + slug);
    }

    /** Sends a refused upload and checks that nothing was written anywhere. */
    static void assertRefusedUpload(String token, String name, byte[] body, int status, String slug) throws Exception {
        Counts before = counts();
        assertProblem(api.upload(token, name, body), status, slug);
        assertThat(counts()).isEqualTo(before);
    }

    static String sign(JWTClaimsSet claims, RSAKey key) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).type(DevTokenIssuer.ACCESS_TOKEN)
                .keyID(key.getKeyID()).build(), claims);
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }

    static JWTClaimsSet.Builder claims(Instant exp) {
        return new JWTClaimsSet.Builder().issuer("fileconv-dev").audience("fileconv").subject("token-tester")
                .issueTime(Date.from(Instant.now().minusSeconds(600))).expirationTime(Date.from(exp));
    }

    /** A PNG of exactly {@code size} bytes: a 1x1 image padded with a text chunk (cheap for LibreOffice). */
    static byte[] pngOfSize(int size) throws Exception {
        ByteArrayOutputStream small = new ByteArrayOutputStream();
        ImageIO.write(new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB),
                "png", small);
        byte[] png = small.toByteArray();
        int iendAt = png.length - 12;
        int padding = size - png.length - 12; // chunk = length(4) + type(4) + data + crc(4)
        byte[] data = new byte[padding];
        byte[] keyword = "Comment\0".getBytes(StandardCharsets.ISO_8859_1);
        System.arraycopy(keyword, 0, data, 0, keyword.length);
        Arrays.fill(data, keyword.length, data.length, (byte) 'x');
        ByteBuffer chunk = ByteBuffer.allocate(12 + padding);
        chunk.putInt(padding).put("tEXt".getBytes(StandardCharsets.US_ASCII)).put(data);
        CRC32 crc = new CRC32();
        crc.update("tEXt".getBytes(StandardCharsets.US_ASCII));
        crc.update(data);
        chunk.putInt((int) crc.getValue());
        ByteArrayOutputStream out = new ByteArrayOutputStream(size);
        out.write(png, 0, iendAt);
        out.write(chunk.array());
        out.write(png, iendAt, 12);
        byte[] result = out.toByteArray();
        assertThat(result).hasSize(size);
        return result;
    }

    // ---- authentication -----------------------------------------------------------------------------------

    @Test
    void everyTokenFaultIs401AndWritesNothing() throws Exception {
        RSAKey forger = new RSAKeyGenerator(2048).keyID(issuerKey.getKeyID()).generate();
        Instant soon = Instant.now().plusSeconds(300);
        List<String> bad = new ArrayList<>();
        bad.add(null);
        bad.add("garbage");
        bad.add(sign(claims(Instant.now().minusSeconds(120)).build(), issuerKey));               // expired
        bad.add(sign(claims(soon).issuer("https://evil.example").build(), issuerKey));           // wrong issuer
        bad.add(sign(claims(soon).audience("another-app").build(), issuerKey));                  // wrong audience
        bad.add(sign(claims(soon).build(), forger));                                             // forged signature
        bad.add(new PlainJWT(new PlainHeader(), claims(soon).build()).serialize());              // alg=none
        bad.add(sign(claims(soon).notBeforeTime(Date.from(Instant.now().plusSeconds(600))).build(), issuerKey)); // nbf
        byte[] doc = SampleDocuments.txt().bytes();
        for (String token : bad) {
            Counts before = counts();
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.baseUrl() + "/api/v1/files"))
                    .header("Content-Type", "multipart/form-data; boundary=x")
                    .POST(HttpRequest.BodyPublishers.ofString("--x\r\nContent-Disposition: form-data; name=\"file\";"
                            + " filename=\"a.txt\"\r\n\r\n" + new String(doc) + "\r\n--x--\r\n"));
            if (token != null) {
                b.header("Authorization", "Bearer " + token);
            }
            assertProblem(HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString()), 401, "unauthorized");
            assertProblem(api.get(token == null ? "" : token, "/api/v1/files"), 401, "unauthorized");
            assertThat(counts()).isEqualTo(before);
        }
        // And the same issuer key with correct claims is accepted (the faults above are the only difference).
        assertThat(api.get(sign(claims(soon).build(), issuerKey), "/api/v1/files").statusCode()).isEqualTo(200);
    }

    // ---- validation -------------------------------------------------------------------------------------

    @Test
    void sizeLimitBoundaries() throws Exception {
        String token = api.token("sizer", "us");
        int limit = (int) server.maxUploadBytes();
        assertThat(api.upload(token, "below.png", pngOfSize(limit - 1)).statusCode()).isEqualTo(201);
        assertThat(api.upload(token, "at.png", pngOfSize(limit)).statusCode()).isEqualTo(201);
        assertRefusedUpload(token, "above.png", pngOfSize(limit + 1), 413, "too-large");
    }

    @Test
    void contentRulesRefuseAndWriteNothing() throws Exception {
        String token = api.token("validator", "in");
        assertRefusedUpload(token, "empty.txt", new byte[0], 400, "empty-file");
        assertRefusedUpload(token, "setup.exe", new byte[]{'M', 'Z', (byte) 0x90, 0, 3, 0, 0, 0, 4, 0}, 415, "unsupported-type");
        assertRefusedUpload(token, "report.xlsx", SampleDocuments.docx().bytes(), 415, "type-mismatch");
        byte[] junk = new byte[40_000];
        new Random(3).nextBytes(junk);
        assertRefusedUpload(token, "random.docx", junk, 415, "unsupported-type");
        assertRefusedUpload(token, "traversal.docx", docxWithExtraEntry("../x", new byte[10]), 422, "archive-path-traversal");
        Counts before = counts();
        HttpResponse<String> noFile = HTTP.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/api/v1/files"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "multipart/form-data; boundary=x")
                .POST(HttpRequest.BodyPublishers.ofString("--x\r\nContent-Disposition: form-data; name=\"other\"\r\n\r\nv\r\n--x--\r\n"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertProblem(noFile, 400, "missing-file");
        assertThat(counts()).isEqualTo(before);
    }

    static byte[] docxWithExtraEntry(String name, byte[] content) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out);
             ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(SampleDocuments.docx().bytes()))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                zip.putNextEntry(new ZipEntry(e.getName()));
                in.transferTo(zip);
            }
            zip.putNextEntry(new ZipEntry(name));
            zip.write(content);
        }
        return out.toByteArray();
    }

    @Test
    void longAndHostileNamesAreKeptOnlyAsCleanDisplayNames() throws Exception {
        String token = api.token("namer", "uk");
        String longName = "r".repeat(296) + ".txt";
        HttpResponse<String> r = api.upload(token, longName, "named".getBytes());
        assertThat(r.statusCode()).isEqualTo(201);
        JsonNode f = ApiClient.json(r.body());
        assertThat(f.get("name").asText()).hasSize(200).startsWith("rrrr").endsWith(".txt");
        String id = f.get("id").asText();
        var row = server.files(Region.UK).find(id).orElseThrow();
        assertThat(row.inputKey()).isEqualTo("namer/" + id + "/input").doesNotContain("rrr");
    }

    // ---- idempotency ------------------------------------------------------------------------------------

    @Test
    void aRetriedUploadWithTheSameKeyReturnsTheFirstResult() throws Exception {
        String token = api.token("retrier", "in");
        byte[] doc = SampleDocuments.txt().bytes();
        HttpResponse<String> first = uploadWithKey(token, "key-123", doc);
        Counts afterFirst = counts();
        HttpResponse<String> again = uploadWithKey(token, "key-123", doc);
        assertThat(first.statusCode()).isEqualTo(201);
        assertThat(again.statusCode()).isEqualTo(201);
        assertThat(again.headers().firstValue("Idempotent-Replayed")).hasValue("true");
        assertThat(ApiClient.json(again.body()).get("id").asText()).isEqualTo(ApiClient.json(first.body()).get("id").asText());
        assertThat(counts().rows()).isEqualTo(afterFirst.rows());
        // The key is per user: another user's identical key is another upload.
        HttpResponse<String> other = uploadWithKey(api.token("retrier-2", "in"), "key-123", doc);
        assertThat(ApiClient.json(other.body()).get("id").asText()).isNotEqualTo(ApiClient.json(first.body()).get("id").asText());
        // Concurrent requests with one key: one file.
        List<CompletableFuture<HttpResponse<String>>> racing = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            racing.add(CompletableFuture.supplyAsync(() -> {
                try {
                    return uploadWithKey(token, "key-race", doc);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        Set<String> ids = new HashSet<>();
        for (var f : racing) {
            ids.add(ApiClient.json(f.get().body()).get("id").asText());
        }
        assertThat(ids).hasSize(1);
    }

    static HttpResponse<String> uploadWithKey(String token, String key, byte[] content) throws Exception {
        String body = "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"idem.txt\"\r\n\r\n"
                + new String(content) + "\r\n--b--\r\n";
        return HTTP.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/api/v1/files"))
                .header("Authorization", "Bearer " + token).header("Idempotency-Key", key)
                .header("Content-Type", "multipart/form-data; boundary=b")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    // ---- the OpenAPI document --------------------------------------------------------------------------

    @Test
    void openApiDocumentsEveryRouteAndEveryDocumentedRouteExists() throws Exception {
        JsonNode doc = ApiClient.json(api.get("", "/openapi.json").body());
        assertThat(doc.get("openapi").asText()).startsWith("3.1");
        assertThat(doc.at("/components/securitySchemes/bearerAuth/scheme").asText()).isEqualTo("bearer");
        String token = api.token("openapi-reader", "in");
        Iterator<Map.Entry<String, JsonNode>> paths = doc.get("paths").fields();
        List<String> documented = new ArrayList<>();
        while (paths.hasNext()) {
            Map.Entry<String, JsonNode> p = paths.next();
            Iterator<String> methods = p.getValue().fieldNames();
            while (methods.hasNext()) {
                String method = methods.next().toUpperCase();
                documented.add(method + " " + p.getKey());
                String path = p.getKey().replace("{id}", "01a21b7a-5faa-78ca-b3b9-bfbef3863a41");
                HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + path))
                        .header("Authorization", "Bearer " + token)
                        .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).as("%s %s", method, path).isNotEqualTo(405);
                if (r.statusCode() == 404) {
                    // only "no such file" is acceptable, never "no such route"
                    assertThat(ApiClient.json(r.body()).get("detail").asText()).as("%s %s", method, path).isEqualTo("no such file");
                }
            }
        }
        // and every route the server registers is documented
        String source = Files.readString(Path.of("src", "main", "java", "io", "fileconv", "api", "ApiServer.java"));
        Matcher m = Pattern.compile("config\\.routes\\.(get|post|delete)\\(\"([^\"]+)\"").matcher(source);
        while (m.find()) {
            assertThat(documented).contains(m.group(1).toUpperCase() + " " + m.group(2));
        }
    }
}
