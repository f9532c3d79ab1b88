package io.fileconv.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.fileconv.core.Databases;
import io.fileconv.core.FileRepository;
import io.fileconv.core.Region;
import io.fileconv.core.UserDirectory;
import io.fileconv.testkit.ApiClient;
import io.fileconv.testkit.SampleDocuments;
import org.apache.poi.openxml4j.opc.OPCPackage;
import org.apache.poi.poifs.crypt.EncryptionInfo;
import org.apache.poi.poifs.crypt.EncryptionMode;
import org.apache.poi.poifs.crypt.Encryptor;
import org.apache.poi.poifs.filesystem.POIFSFileSystem;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Validation, refusals and region routing over HTTP on the API under test. Listing and cancel, which need files
 * converted, are local's ListAndCancelEndToEndTest.
 */
@ExtendWith(ApiUnderTest.class)
class ApiBehaviourTest {
    static ApiClient api;
    static TestApi server;

    @BeforeAll
    static void setUp(TestApi s) {
        server = s;
        api = new ApiClient(s.baseUrl());
    }

    private static void assertProblem(HttpResponse<String> r, int status, String slug) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        JsonNode p = ApiClient.json(r.body());
        assertThat(p.get("type").asText()).isEqualTo("https://fileconv.io/problems/" + slug);
        assertThat(p.get("status").asInt()).isEqualTo(status);
        assertThat(p.get("detail").asText()).isNotBlank();
    }

    private static void assertNothingStoredFor(String user, String token) throws Exception {
        JsonNode list = ApiClient.json(api.get(token, "/api/v1/files").body());
        assertThat(list.get("items")).isEmpty();
        for (Region r : Region.values()) {
            assertThat(server.objectStore().client().listObjectsV2(b -> b.bucket(r.defaultBucket()).prefix(user + "/"))
                    .contents()).isEmpty();
        }
    }

    @Test
    void aFileOverTheLimitIsRefusedWith413AndLeavesNothing() throws Exception {
        String token = api.token("big-uploader", "in");
        byte[] big = new byte[(int) server.maxUploadBytes() + 1024];
        Arrays.fill(big, (byte) 'a');
        assertProblem(api.upload(token, "big.txt", big), 413, "too-large");
        assertNothingStoredFor("big-uploader", token);
    }

    @Test
    void aZipBombIsRefusedBeforeConversion() throws Exception {
        String token = api.token("bomber", "in");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            byte[] docx = SampleDocuments.docx().bytes();
            try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(docx))) {
                for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                    zip.putNextEntry(new ZipEntry(e.getName()));
                    in.transferTo(zip);
                }
            }
            zip.putNextEntry(new ZipEntry("word/media/padding.bin"));
            byte[] zeros = new byte[1 << 20];
            for (int i = 0; i < 300; i++) {
                zip.write(zeros);
            }
        }
        assertThat(out.size()).isLessThan(1 << 20);
        assertProblem(api.upload(token, "bomb.docx", out.toByteArray()), 422, "archive-ratio");
        assertNothingStoredFor("bomber", token);
        assertNoSpooledUploadLeft();
        api.uploadOk(token, "fine.docx", SampleDocuments.docx().bytes());
        assertNoSpooledUploadLeft();
    }

    /** The API keeps an upload on disk only while it checks and stores it, refused or accepted. */
    private static void assertNoSpooledUploadLeft() throws Exception {
        try (Stream<Path> left = Files.list(server.dataDir().resolve("multipart"))) {
            assertThat(left.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("upload-"));
        }
    }

    @Test
    void anEncryptedWordDocumentIsRefusedAsPasswordProtected() throws Exception {
        String token = api.token("secretive", "in");
        POIFSFileSystem fs = new POIFSFileSystem();
        Encryptor enc = new EncryptionInfo(EncryptionMode.agile).getEncryptor();
        enc.confirmPassword("s3cret");
        try (OPCPackage pkg = OPCPackage.open(new ByteArrayInputStream(SampleDocuments.docx().bytes()));
             OutputStream os = enc.getDataStream(fs)) {
            pkg.save(os);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        fs.writeFilesystem(out);
        assertProblem(api.upload(token, "locked.docx", out.toByteArray()), 422, "password-protected");
        assertNothingStoredFor("secretive", token);
    }

    /** Each malformed token request gets a 400 problem naming what to send; none is a 500 or a token. */
    @Test
    void aMalformedTokenRequestIsRefusedWith400() throws Exception {
        Map<String, String> refusals = Map.of(
                "not json", "bad-json",
                "[\"alice\"]", "bad-json",
                "null", "bad-json",
                "", "bad-json",
                "{\"region\":\"in\"}", "bad-user",
                "{\"user\":42,\"region\":\"in\"}", "bad-user",
                "{\"user\":null,\"region\":\"in\"}", "bad-user",
                "{\"user\":\"bad name!\",\"region\":\"in\"}", "bad-user",
                "{\"user\":\"alice\",\"region\":\"mars\"}", "bad-region");
        HttpClient http = HttpClient.newHttpClient();
        for (Map.Entry<String, String> e : refusals.entrySet()) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/api/v1/dev/token"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(e.getKey()))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertProblem(r, 400, e.getValue());
            assertThat(r.body()).as("body %s", e.getKey()).doesNotContain("token\":");
        }
    }

    @Test
    void extensionMustAgreeWithContent() throws Exception {
        String token = api.token("renamer", "in");
        assertProblem(api.upload(token, "slides.pptx", SampleDocuments.docx().bytes()), 415, "type-mismatch");
        assertProblem(api.upload(token, "program.exe", new byte[]{'M', 'Z', 0, 0, 1, 2, 3, 4}), 415, "unsupported-type");
    }

    @Test
    void anInstanceThatDoesNotServeTheUsersRegionRedirectsThere(@TempDir Path tmp)
            throws Exception {
        // A second API instance serving only "in", like a regional deployment, sharing the directory.
        var directoryDs = Databases.pool(server.infra().jdbcBase(), "fileconv_directory", "root", "", 2);
        var inDs = Databases.pool(server.infra().jdbcBase(), Region.IN.database(), "root", "", 2);
        var issuer = new DevTokenIssuer(tmp.resolve("k.json"), "fileconv-dev", "fileconv",
                Duration.ofMinutes(5));
        UserDirectory directory = new UserDirectory(directoryDs);
        var stores = Map.of(Region.IN, new RegionStore(Region.IN, new FileRepository(Region.IN, inDs),
                Region.IN.defaultBucket()));
        CallerResolver callers = new CallerResolver(new JwtVerifier(issuer.keySource(), "fileconv-dev", "fileconv"),
                directory, stores, Map.of(Region.US, server.baseUrl()));
        ApiSettings settings = new ApiSettings(0, 1 << 20, "fileconv-dev", "fileconv", null, true, Map.of());
        try (ApiServer india = new ApiServer(settings, new FilesController(callers, server.objectStore(), new TypeDetector(),
                new ArchiveInspector(ArchiveInspector.Limits.defaults()), 1 << 20), issuer, directory, List.of(Region.IN),
                () -> true, Files.createDirectories(tmp.resolve("mp"))).start()) {
            directory.registerIfAbsent("traveller", Region.US);
            String token = issuer.issue("traveller", "us");
            HttpClient noFollow = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
            HttpResponse<String> r = noFollow.send(HttpRequest.newBuilder(
                    URI.create("http://localhost:" + india.port() + "/api/v1/files?limit=5"))
                    .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(307);
            assertThat(r.headers().firstValue("Location")).hasValue(server.baseUrl() + "/api/v1/files?limit=5");
        } finally {
            directoryDs.close();
            inDs.close();
        }
    }
}
