package io.fileconv.local;

import com.fasterxml.jackson.databind.JsonNode;
import io.fileconv.testkit.ApiClient;
import io.fileconv.testkit.SampleDocuments;
import io.fileconv.testkit.VariantDocuments;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** HTTP in, PDF out, on the embedded stack with every real component. */
@ExtendWith(SharedStack.class)
class EndToEndTest {
    static ApiClient api;
    static String token;

    @BeforeAll
    static void client(EmbeddedStack stack) throws Exception {
        api = new ApiClient(stack.baseUrl());
        token = api.token("e2e-user", "in");
    }

    static List<SampleDocuments.Doc> documents() throws Exception {
        return SampleDocuments.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("documents")
    void uploadPollDownload(SampleDocuments.Doc doc) throws Exception {
        HttpResponse<String> created = api.upload(token, doc.name(), doc.bytes());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String id = ApiClient.json(created.body()).get("id").asText();
        assertThat(created.headers().firstValue("Location")).contains("/api/v1/files/" + id);

        JsonNode done = api.awaitTerminal(token, id, Duration.ofSeconds(90));
        assertThat(done.get("status").asText()).as(done.toString()).isEqualTo("converted");
        assertThat(done.get("links").get("pdf").asText()).isEqualTo("/api/v1/files/" + id + "/pdf");

        HttpResponse<byte[]> pdf = api.pdf(token, id);
        assertThat(pdf.statusCode()).isEqualTo(200);
        assertThat(pdf.headers().firstValue("Content-Type")).contains("application/pdf");
        try (PDDocument d = Loader.loadPDF(pdf.body())) {
            assertThat(d.getNumberOfPages()).isGreaterThanOrEqualTo(1);
            if (doc.sentence() != null) {
                assertThat(new PDFTextStripper().getText(d).replaceAll("\\s+", " ")).contains(doc.sentence());
            }
        }
    }

    @Test
    void anotherUserCannotSeeOrDownloadTheFile() throws Exception {
        SampleDocuments.Doc doc = SampleDocuments.txt();
        String id = api.uploadOk(token, doc.name(), doc.bytes());
        api.awaitTerminal(token, id, Duration.ofSeconds(60));
        String mallory = api.token("mallory", "in");
        assertThat(api.get(mallory, "/api/v1/files/" + id).statusCode()).isEqualTo(404);
        assertThat(api.pdf(mallory, id).statusCode()).isEqualTo(404);
        assertThat(api.get(mallory, "/api/v1/files/" + id).headers().firstValue("Content-Type").orElse(""))
                .startsWith("application/problem+json");
    }

    @Test
    void requestsWithoutAValidTokenAreRefused() throws Exception {
        HttpResponse<String> r = api.get("not-a-token", "/api/v1/files");
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(ApiClient.json(r.body()).get("type").asText()).isEqualTo("https://fileconv.io/problems/unauthorized");
    }

    @Test
    void contentThatIsNotWhatItsNameSaysIsRefusedAndLeavesNothing(EmbeddedStack stack) throws Exception {
        byte[] junk = new byte[50_000];
        new Random(1).nextBytes(junk);
        HttpResponse<String> r = api.upload(token, "random.docx", junk);
        assertThat(r.statusCode()).isEqualTo(415);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        JsonNode p = ApiClient.json(r.body());
        assertThat(p.get("type").asText()).endsWith("/unsupported-type");
        assertThat(p.get("detail").asText()).contains("application/octet-stream");
        HttpResponse<String> empty = api.upload(token, "empty.txt", new byte[0]);
        assertThat(empty.statusCode()).isEqualTo(400);
        assertThat(ApiClient.json(empty.body()).get("type").asText()).endsWith("/empty-file");
    }

    /** The headline case and two imports of other libraries: a slideshow, a VBA-carrying Word file, Pages. */
    static List<VariantDocuments.Variant> variants() throws Exception {
        List<VariantDocuments.Variant> all = VariantDocuments.all();
        return all.stream().filter(v -> List.of("deck.ppsx", "vba-macros.docm", "pages-2013.pages").contains(v.name()))
                .toList();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void variantsAreAcceptedListedAndConverted(VariantDocuments.Variant v) throws Exception {
        JsonNode config = ApiClient.json(api.get(token, "/api/v1/config").body());
        String ext = v.name().substring(v.name().lastIndexOf('.') + 1);
        assertThat(config.get("types").findValues("extensions").stream()
                .anyMatch(e -> e.toString().contains("\"" + ext + "\""))).as("config lists ." + ext).isTrue();
        HttpResponse<String> created = api.upload(token, v.name(), v.bytes());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String id = ApiClient.json(created.body()).get("id").asText();
        JsonNode done = api.awaitTerminal(token, id, Duration.ofSeconds(90));
        assertThat(done.get("status").asText()).as(done.toString()).isEqualTo("converted");
        try (PDDocument d = Loader.loadPDF(api.pdf(token, id).body())) {
            assertThat(new PDFTextStripper().getText(d).replaceAll("\\s+", " ")).contains(v.sentence());
        }
    }
}
