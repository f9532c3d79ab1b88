package io.fileconv.converter;

import io.fileconv.core.SupportedTypes;
import io.fileconv.embedded.FreePorts;
import io.fileconv.testkit.VariantDocuments;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.graphics.image.PDImageXObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every variant the API accepts (slideshows, templates, macro-enabled files, Visio, iWork, SVG, WebP) converts to a
 * PDF with its content on real LibreOffice, handed over exactly as {@link ConversionTask} does: named
 * {@code document.<canonical extension of the accepted type>}, from which LibreOffice picks its import filter.
 */
@ExtendWith(SharedOffice.class)
class VariantConversionTest {
    @TempDir
    static Path work;
    static DocumentConverter converter;

    @BeforeAll
    static void start(DocumentConverter shared) {
        converter = shared;
    }

    static List<VariantDocuments.Variant> variants() throws Exception {
        return VariantDocuments.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void convertsWithItsContent(VariantDocuments.Variant v) throws Exception {
        SupportedTypes.Type type = SupportedTypes.byMediaType(v.mediaType()).orElseThrow();
        Path dir = Files.createTempDirectory(work, "variant-");
        Path in = dir.resolve("document." + type.canonicalExtension());
        Files.write(in, v.bytes());
        Path out = dir.resolve("document.pdf");
        converter.convert(in, out);
        try (PDDocument pdf = Loader.loadPDF(out.toFile())) {
            assertThat(pdf.getNumberOfPages()).isPositive();
            if (v.sentence() == null) {
                assertThat(images(pdf)).as("pictures in the PDF of " + v.name()).isPositive();
            } else {
                // A template converts its content, not an empty document made from it.
                assertThat(DocumentIsolationTest.text(out).replaceAll("\\s+", " ")).contains(v.sentence());
            }
        }
    }

    private static int images(PDDocument pdf) throws Exception {
        int n = 0;
        for (PDPage page : pdf.getPages()) {
            for (var name : page.getResources().getXObjectNames()) {
                if (page.getResources().getXObject(name) instanceof PDImageXObject) {
                    n++;
                }
            }
        }
        return n;
    }
}
