package io.fileconv.api;

import org.apache.poi.xwpf.usermodel.XWPFDocument;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TypeDetectorTest {
    private final TypeDetector detector = new TypeDetector();

    @Test
    void detectsOoxmlFromTheBytesAlone() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (XWPFDocument doc = new XWPFDocument()) {
            doc.createParagraph().createRun().setText("hello");
            doc.write(out);
        }
        String type = detector.detect(new ByteArrayInputStream(out.toByteArray()));
        assertThat(type).isEqualTo("application/vnd.openxmlformats-officedocument.wordprocessingml.document");
        assertThat(detector.accept(type, "report.docx").canonicalExtension()).isEqualTo("docx");
        assertThatThrownBy(() -> detector.accept(type, "report.pdf"))
                .isInstanceOfSatisfying(Problem.class, p -> assertThat(p.slug()).isEqualTo("type-mismatch"));
    }

    @Test
    void randomBytesNamedDocxAreRefused() throws Exception {
        byte[] junk = new byte[50_000];
        new Random(7).nextBytes(junk);
        String type = detector.detect(new ByteArrayInputStream(junk));
        assertThat(type).isEqualTo("application/octet-stream");
        assertThatThrownBy(() -> detector.accept(type, "random.docx"))
                .isInstanceOfSatisfying(Problem.class, p -> {
                    assertThat(p.status()).isEqualTo(415);
                    assertThat(p.slug()).isEqualTo("unsupported-type");
                });
    }

    @Test
    void textIsTextAndCsvIsTakenFromTheExtension() throws Exception {
        String type = detector.detect(new ByteArrayInputStream("a,b\n1,2\n".getBytes(StandardCharsets.UTF_8)));
        assertThat(type).isEqualTo("text/plain");
        assertThat(detector.accept(type, "data.csv").mediaType()).isEqualTo("text/csv");
        assertThat(detector.accept(type, "notes.txt").mediaType()).isEqualTo("text/plain");
        assertThatThrownBy(() -> detector.accept(type, "fake.xlsx")).isInstanceOf(Problem.class);
    }

    @Test
    void htmlAndImagesAreRecognised() throws Exception {
        String html = detector.detect(new ByteArrayInputStream(
                "<!DOCTYPE html><html><body><p>hi</p></body></html>".getBytes(StandardCharsets.UTF_8)));
        assertThat(html).isEqualTo("text/html");
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 'I', 'H', 'D', 'R'};
        assertThat(detector.detect(new ByteArrayInputStream(png))).isEqualTo("image/png");
    }
}
