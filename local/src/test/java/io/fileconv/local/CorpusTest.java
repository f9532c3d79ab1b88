package io.fileconv.local;

import com.fasterxml.jackson.databind.JsonNode;
import io.fileconv.testkit.ApiClient;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every document of the shared corpus (real-world files: Office, ODF, StarOffice, flat ODF, RTF, HTML, CSV,
 * images, a password-protected ODT) goes through the embedded stack and ends converted, or failed with a clear
 * reason, within the conversion time limit.
 */
@ExtendWith(SharedStack.class)
class CorpusTest {
    static final Path CORPUS = Path.of(System.getProperty("fileconv.corpus",
            Path.of("").toAbsolutePath().getParent().resolveSibling("shared").resolve("corpus").toString()));
    static ApiClient api;
    static String token;
    static Duration limit;

    @BeforeAll
    static void client(EmbeddedStack stack) throws Exception {
        api = new ApiClient(stack.baseUrl());
        token = api.token("corpus-user", "us");
        limit = stack.options().taskTimeout();
    }

    static List<Path> corpus() throws IOException {
        if (!Files.isDirectory(CORPUS)) {
            return List.of(CORPUS.resolve("(corpus folder absent)"));
        }
        try (Stream<Path> s = Files.list(CORPUS)) {
            return s.filter(Files::isRegularFile).sorted().toList();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void documentEndsConvertedOrFailsWithAReason(Path file) throws Exception {
        Assumptions.assumeTrue(Files.isDirectory(CORPUS), "shared corpus not present at " + CORPUS + " — skipped");
        Instant start = Instant.now();
        HttpResponse<String> r = api.upload(token, file.getFileName().toString(), Files.readAllBytes(file));
        assertThat(r.statusCode()).as("upload of %s: %s", file.getFileName(), r.body()).isEqualTo(201);
        String id = ApiClient.json(r.body()).get("id").asText();
        JsonNode done = api.awaitTerminal(token, id, limit.plusSeconds(60));
        String status = done.get("status").asText();
        if (file.getFileName().toString().contains("password")) {
            assertThat(status).isEqualTo("failed");
            assertThat(done.get("failure").get("class").asText()).isEqualTo("password_protected");
            assertThat(done.get("failure").get("reason").asText()).contains("password");
        } else {
            assertThat(status).as(done.toString()).isEqualTo("converted");
            byte[] pdf = api.pdf(token, id).body();
            assertThat(new String(pdf, 0, 5, StandardCharsets.US_ASCII)).isEqualTo("%PDF-");
        }
        assertThat(Duration.between(start, Instant.now())).isLessThan(limit.plusSeconds(60));
    }
}
