package io.fileconv.local;

import io.fileconv.core.Env;
import io.fileconv.testkit.ApiClient;
import io.fileconv.testkit.SampleDocuments;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * GET /pdf with FILECONV_PDF_LINK_SECONDS set: a 302 to a presigned S3 link that works without the API's token,
 * names the file, cannot be altered, and expires. A second API process on the shared stack runs in that mode.
 */
@ExtendWith(SharedStack.class)
class PdfLinkTest {
    private static final int LINK_SECONDS = 3;
    private static final HttpClient NO_REDIRECTS = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .build();

    @Test
    void aConvertedPdfIsHandedOutAsAShortLivedPresignedLink(EmbeddedStack stack) throws Exception {
        Map<String, String> vars = new HashMap<>();
        Endpoints endpoints = stack.infra().endpoints();
        endpoints.settings().forEach((k, v) -> vars.put((String) k, (String) v));
        vars.put("FILECONV_PDF_LINK_SECONDS", Integer.toString(LINK_SECONDS));
        Path dir = Path.of("target", "pdf-link-api").toAbsolutePath();
        EmbeddedStack.deleteTree(dir);
        try (ApiNode linking = ApiNode.start(new Env(vars), dir, 0, 20L << 20, () -> true)) {
            ApiClient api = new ApiClient("http://localhost:" + linking.port());
            String token = api.token("link-user", "us");
            SampleDocuments.Doc doc = SampleDocuments.txt();
            String id = api.uploadOk(token, "minutes of the meeting.txt", doc.bytes());
            assertThat(api.awaitTerminal(token, id, Duration.ofMinutes(2)).get("status").asText())
                    .isEqualTo("converted");

            HttpResponse<String> redirect = NO_REDIRECTS.send(HttpRequest.newBuilder(
                    URI.create("http://localhost:" + linking.port() + "/api/v1/files/" + id + "/pdf"))
                    .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(redirect.statusCode()).isEqualTo(302);
            assertThat(redirect.headers().firstValue("Cache-Control")).hasValue("no-store");
            String link = redirect.headers().firstValue("Location").orElseThrow();
            assertThat(link).startsWith(endpoints.s3Endpoint().toString()).contains("X-Amz-Signature=")
                    .contains("X-Amz-Expires=" + LINK_SECONDS).doesNotContain(token);

            // The link alone (no bearer token) fetches exactly the PDF the API would stream, under the file's name.
            HttpResponse<byte[]> fromS3 = NO_REDIRECTS.send(HttpRequest.newBuilder(URI.create(link)).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(fromS3.statusCode()).isEqualTo(200);
            ApiClient streaming = new ApiClient(stack.baseUrl());
            HttpResponse<byte[]> streamed = streaming.pdf(streaming.token("link-user", "us"), id);
            assertThat(fromS3.body()).isEqualTo(streamed.body());
            assertThat(fromS3.headers().firstValue("Content-Type")).hasValue("application/pdf");
            assertThat(streamed.headers().firstValue("Content-Disposition")).hasValueSatisfying(v ->
                    assertThat(v).contains("minutes of the meeting.pdf"));
            assertThat(fromS3.headers().firstValue("Content-Disposition"))
                    .isEqualTo(streamed.headers().firstValue("Content-Disposition"));

            // Another user gets no link; an altered link and an expired one are refused by S3.
            assertThat(api.get(api.token("someone-else", "us"), "/api/v1/files/" + id + "/pdf").statusCode())
                    .isEqualTo(404);
            String otherKey = link.replace("/output.pdf?", "/input?");
            assertThat(status(otherKey)).as("the signature covers the key").isEqualTo(403);
            Thread.sleep((LINK_SECONDS + 2) * 1000L);
            assertThat(status(link)).as("expired after %d s", LINK_SECONDS).isEqualTo(403);
        }
    }

    private static int status(String url) throws Exception {
        return NO_REDIRECTS.send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
