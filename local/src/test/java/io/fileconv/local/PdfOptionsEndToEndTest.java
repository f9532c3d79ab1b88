package io.fileconv.local;

import com.fasterxml.jackson.databind.JsonNode;
import io.fileconv.testkit.ApiClient;
import io.fileconv.testkit.SampleDocuments;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** PDF options over HTTP on the embedded stack: validated at upload, shown in the status, applied to the PDF. */
@ExtendWith(SharedStack.class)
class PdfOptionsEndToEndTest {
    static ApiClient api;

    @BeforeAll
    static void client(EmbeddedStack stack) {
        api = new ApiClient(stack.baseUrl());
    }

    @Test
    void uploadWithOptionsGivesThatPdfAndShowsThemInTheStatus() throws Exception {
        String token = api.token("options-user", "in");
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("pageRanges", "2-3");
        fields.put("landscape", "true");
        fields.put("pdfa", "PDF/A-2b");
        fields.put("quality", "80");
        fields.put("exportBookmarks", "false");
        SampleDocuments.Doc doc = SampleDocuments.pagedDocx(4);

        HttpResponse<String> created = api.upload(token, doc.name(), doc.bytes(), fields);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String id = ApiClient.json(created.body()).get("id").asText();
        JsonNode done = api.awaitTerminal(token, id, Duration.ofSeconds(90));
        assertThat(done.get("status").asText()).as(done.toString()).isEqualTo("converted");
        assertThat(done.get("options")).isEqualTo(ApiClient.json("{\"pageRanges\":\"2-3\",\"landscape\":true,"
                + "\"pdfa\":\"PDF/A-2b\",\"quality\":80,\"exportBookmarks\":false}"));
        assertThat(done.has("optionNotes")).isFalse();

        HttpResponse<byte[]> pdf = api.pdf(token, id);
        assertThat(pdf.statusCode()).isEqualTo(200);
        try (PDDocument d = Loader.loadPDF(pdf.body())) {
            assertThat(d.getNumberOfPages()).isEqualTo(2);
            String text = new PDFTextStripper().getText(d);
            assertThat(text).contains("Page 2 of", "Page 3 of").doesNotContain("Page 1 of", "Page 4 of");
            for (PDPage page : d.getPages()) {
                PDRectangle box = page.getMediaBox();
                assertThat(box.getWidth()).as("landscape page box").isGreaterThan(box.getHeight());
            }
            String xmp = new String(d.getDocumentCatalog().getMetadata().toByteArray(), StandardCharsets.UTF_8);
            assertThat(xmp).containsPattern("pdfaid:part(>|=\")2").containsPattern("pdfaid:conformance(>|=\")B");
        }
    }

    @Test
    void withoutOptionsTheStatusShowsNone() throws Exception {
        String token = api.token("options-none", "in");
        SampleDocuments.Doc doc = SampleDocuments.txt();
        JsonNode created = ApiClient.json(api.upload(token, doc.name(), doc.bytes()).body());
        assertThat(created.get("options").isObject()).isTrue();
        assertThat(created.get("options").size()).isZero();
    }

    @Test
    void landscapeOnSlidesIsNotedAsNotApplied() throws Exception {
        String token = api.token("options-slides", "in");
        SampleDocuments.Doc doc = SampleDocuments.pptx();
        HttpResponse<String> created = api.upload(token, doc.name(), doc.bytes(), Map.of("landscape", "false"));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String id = ApiClient.json(created.body()).get("id").asText();
        JsonNode done = api.awaitTerminal(token, id, Duration.ofSeconds(90));
        assertThat(done.get("status").asText()).as(done.toString()).isEqualTo("converted");
        assertThat(done.get("optionNotes").get(0).asText()).contains("landscape applies to text documents and"
                + " spreadsheets only");
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
            "pageRanges|3-1|pageRanges: '3-1' is not a range of pages",
            "pageRanges|all|pageRanges must be page numbers and ranges separated by commas, such as 1-3,5",
            "landscape|sideways|landscape must be true or false",
            "pdfa|PDF/A-4u|pdfa must be PDF/A-1b, PDF/A-2b or PDF/A-3b",
            "pdfua|yes|pdfua must be true or false",
            "quality|0|quality must be a whole number from 1 to 100",
            "maxImageResolution|96|maxImageResolution must be one of 75, 150, 300, 600 or 1200"})
    void badValueIs400ProblemNamingTheFieldAndStoresNothing(String field, String value, String detail)
            throws Exception {
        String user = "options-bad-" + field.toLowerCase();
        String token = api.token(user, "in");
        SampleDocuments.Doc doc = SampleDocuments.txt();
        HttpResponse<String> r = api.upload(token, doc.name(), doc.bytes(), Map.of(field, value));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        JsonNode problem = ApiClient.json(r.body());
        assertThat(problem.get("type").asText()).isEqualTo("https://fileconv.io/problems/bad-pdf-option");
        assertThat(problem.get("title").asText()).isEqualTo("Bad PDF option");
        assertThat(problem.get("detail").asText()).startsWith(detail);
        assertThat(problem.get("field").asText()).isEqualTo(field);
        JsonNode list = ApiClient.json(api.get(token, "/api/v1/files").body());
        assertThat(list.get("items").size()).as("no file row for a refused upload").isZero();
    }
}
