package io.fileconv.api;

import io.fileconv.core.SupportedTypes;
import io.fileconv.testkit.EncryptedDocuments;
import io.fileconv.testkit.VariantDocuments;
import org.apache.poi.xwpf.usermodel.XWPFDocument;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
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
    void anEncryptedDocumentTakesItsTypeFromTheOfficeExtensionOnlyWithAPassword() throws Exception {
        byte[] secret = EncryptedDocuments.docx("pw").bytes();
        String type = detector.detect(new ByteArrayInputStream(secret));
        assertThat(TypeDetector.encrypted(type)).isTrue();
        assertThatThrownBy(() -> detector.accept(type, "secret.docx")).isInstanceOfSatisfying(Problem.class,
                p -> assertThat(p.getMessage()).contains("'password' field"));
        assertThat(detector.acceptEncrypted(type, "secret.docx").canonicalExtension()).isEqualTo("docx");
        assertThat(detector.acceptEncrypted(type, "Budget.XLSX").canonicalExtension()).isEqualTo("xlsx");
        assertThatThrownBy(() -> detector.acceptEncrypted(type, "secret.odt")).isInstanceOf(Problem.class);
        assertThatThrownBy(() -> detector.acceptEncrypted(type, "secret.doc")).isInstanceOf(Problem.class);
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

    static List<VariantDocuments.Variant> variants() throws Exception {
        return VariantDocuments.all();
    }

    /** Slideshows, templates, macro-enabled files, Visio, iWork, SVG and WebP: accepted under their own extension. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void everyVariantIsAcceptedUnderItsOwnName(VariantDocuments.Variant v) throws Exception {
        String detected = detector.detect(new ByteArrayInputStream(v.bytes()));
        SupportedTypes.Type type = detector.accept(detected, v.name());
        assertThat(type.mediaType()).as("accepted type of " + v.name() + " (Tika said " + detected + ")")
                .isEqualTo(v.mediaType());
        assertThat(type.extensions()).contains(SupportedTypes.extensionOf(v.name()));
    }

    @Test
    void aSlideshowIsNoLongerRefusedButStillMustNotPoseAsAnotherType() throws Exception {
        VariantDocuments.Variant ppsx = VariantDocuments.ooxml().stream().filter(v -> v.name().endsWith(".ppsx"))
                .findFirst().orElseThrow();
        String detected = detector.detect(new ByteArrayInputStream(ppsx.bytes()));
        assertThat(detector.accept(detected, "deck.ppsx").canonicalExtension()).isEqualTo("ppsx");
        // Name and content must still agree: a slideshow named .docx is refused, and told what it is.
        assertThatThrownBy(() -> detector.accept(detected, "deck.docx"))
                .isInstanceOfSatisfying(Problem.class, p -> assertThat(p.getMessage()).contains("expected .ppsx"));
    }

    @Test
    void iWorkPackagesOfUndeterminedKindTakeTheKindFromTheExtension() {
        // Tika names some 2013+ iWork packages only "unknown.13"; the bytes say iWork, the extension says which.
        assertThat(detector.accept("application/vnd.apple.unknown.13", "plan.numbers").mediaType())
                .isEqualTo("application/vnd.apple.numbers");
        assertThat(detector.accept("application/vnd.apple.iwork", "talk.key").mediaType())
                .isEqualTo("application/vnd.apple.keynote");
        assertThatThrownBy(() -> detector.accept("application/vnd.apple.unknown.13", "plan.docx"))
                .isInstanceOfSatisfying(Problem.class, p -> assertThat(p.slug()).isEqualTo("unsupported-type"));
    }
}
