package io.fileconv.local;

import com.fasterxml.jackson.databind.JsonNode;
import io.fileconv.core.Region;
import io.fileconv.core.S3Keys;
import io.fileconv.testkit.ApiClient;
import io.fileconv.testkit.EncryptedDocuments;
import io.fileconv.testkit.SampleDocuments;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The first page's PNG over HTTP on the embedded stack: written by the converter, owner only, erased with the file. */
@ExtendWith(SharedStack.class)
class ThumbnailTest {
    static ApiClient api;
    static EmbeddedStack stack;

    @BeforeAll
    static void client(EmbeddedStack embedded) {
        stack = embedded;
        api = new ApiClient(embedded.baseUrl());
    }

    @Test
    void aConvertedFileHasA320PixelThumbnailForItsOwnerOnlyUntilDeleted() throws Exception {
        String token = api.token("thumb-owner", "in");
        SampleDocuments.Doc doc = SampleDocuments.docx();
        String id = api.uploadOk(token, doc.name(), doc.bytes());
        JsonNode done = api.awaitTerminal(token, id, Duration.ofSeconds(90));
        assertThat(done.get("status").asText()).as(done.toString()).isEqualTo("converted");
        assertThat(done.get("links").get("thumbnail").asText()).isEqualTo("/api/v1/files/" + id + "/thumbnail");

        HttpResponse<byte[]> png = api.bytes(token, "/api/v1/files/" + id + "/thumbnail");
        assertThat(png.statusCode()).isEqualTo(200);
        assertThat(png.headers().firstValue("Content-Type")).hasValue("image/png");
        assertThat(png.headers().firstValue("Cache-Control").orElse("")).contains("private").contains("max-age=");
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(png.body()));
        assertThat(image.getWidth()).isEqualTo(320);
        assertThat(image.getHeight()).isGreaterThan(image.getWidth()); // a portrait page

        String stranger = api.token("thumb-stranger", "in");
        assertThat(api.bytes(stranger, "/api/v1/files/" + id + "/thumbnail").statusCode()).isEqualTo(404);

        HttpResponse<byte[]> inline = api.bytes(token, "/api/v1/files/" + id + "/pdf?inline=true");
        assertThat(inline.headers().firstValue("Content-Disposition").orElse("")).startsWith("inline;");

        String key = S3Keys.thumbnail("thumb-owner", id);
        assertThat(stack.objectStore().exists(Region.IN.defaultBucket(), key)).isTrue();
        assertThat(api.delete(token, "/api/v1/files/" + id).statusCode()).isEqualTo(204);
        assertThat(stack.objectStore().exists(Region.IN.defaultBucket(), key)).isFalse();
    }

    @Test
    void aFailedFileHasNoThumbnail() throws Exception {
        String token = api.token("thumb-none", "in");
        SampleDocuments.Doc doc = EncryptedDocuments.docx("the-password");
        String id = ApiClient.json(api.upload(token, doc.name(), doc.bytes(), Map.of("password", "not-it")).body())
                .get("id").asText();
        assertThat(api.awaitTerminal(token, id, Duration.ofSeconds(90)).get("status").asText()).isEqualTo("failed");
        HttpResponse<String> r = api.get(token, "/api/v1/files/" + id + "/thumbnail");
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(ApiClient.json(r.body()).get("type").asText()).endsWith("no-thumbnail");
    }
}
