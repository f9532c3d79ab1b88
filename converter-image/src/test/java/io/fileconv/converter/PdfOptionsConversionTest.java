package io.fileconv.converter;

import io.fileconv.core.options.PdfA;
import io.fileconv.core.options.PdfOptions;
import io.fileconv.embedded.FreePorts;
import io.fileconv.testkit.SampleDocuments;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.verapdf.gf.foundry.VeraGreenfieldFoundryProvider;
import org.verapdf.pdfa.Foundries;
import org.verapdf.pdfa.PDFAParser;
import org.verapdf.pdfa.PDFAValidator;
import org.verapdf.pdfa.flavours.PDFAFlavour;
import org.verapdf.pdfa.results.ValidationResult;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Each PDF option on a real LibreOffice, checked in the PDF itself (PDFBox; PDF/A by veraPDF). */
@ExtendWith(SharedOffice.class)
class PdfOptionsConversionTest {
    @TempDir
    static Path work;
    static DocumentConverter converter;

    @BeforeAll
    static void start(DocumentConverter shared) throws Exception {
        VeraGreenfieldFoundryProvider.initialise();
        converter = shared;
    }

    @Test
    void pageRangesExportOnlyThosePages() throws Exception {
        Path pdf = convert(SampleDocuments.pagedDocx(5), options(Map.of("pageRanges", "1-2,4")));
        try (PDDocument doc = Loader.loadPDF(pdf.toFile())) {
            assertThat(doc.getNumberOfPages()).isEqualTo(3);
            String text = new PDFTextStripper().getText(doc);
            assertThat(text).contains("Page 1 of", "Page 2 of", "Page 4 of").doesNotContain("Page 3 of", "Page 5 of");
        }
    }

    @Test
    void withoutOptionsEveryPageIsPortrait() throws Exception {
        Path pdf = convert(SampleDocuments.pagedDocx(2), PdfOptions.NONE);
        assertThat(pageBoxes(pdf)).hasSize(2).allSatisfy(box -> assertThat(box.getHeight()).isGreaterThan(box.getWidth()));
    }

    @Test
    void landscapeTurnsTextPagesAndReflowsTheText() throws Exception {
        Path pdf = convert(SampleDocuments.pagedDocx(2), options(Map.of("landscape", "true")));
        assertThat(pageBoxes(pdf)).hasSize(2).allSatisfy(box -> assertThat(box.getWidth()).isGreaterThan(box.getHeight()));
        assertThat(DocumentIsolationTest.text(pdf)).contains("Page 2 of the paged report.");
    }

    @Test
    void landscapeTurnsSpreadsheetPages() throws Exception {
        SampleDocuments.Doc sheet = SampleDocuments.xlsx();
        Path portrait = convert(sheet, PdfOptions.NONE);
        Path landscape = convert(sheet, options(Map.of("landscape", "true")));
        assertThat(pageBoxes(portrait)).allSatisfy(box -> assertThat(box.getHeight()).isGreaterThan(box.getWidth()));
        assertThat(pageBoxes(landscape)).isNotEmpty()
                .allSatisfy(box -> assertThat(box.getWidth()).isGreaterThan(box.getHeight()));
        assertThat(DocumentIsolationTest.text(landscape)).contains(sheet.sentence());
    }

    @Test
    void presentationsKeepTheirSlideSize() throws Exception {
        // Documented: slides and drawings are laid out at fixed positions, so the option leaves them as they are.
        Path pdf = convert(SampleDocuments.pptx(), options(Map.of("landscape", "false")));
        assertThat(pageBoxes(pdf)).isNotEmpty().allSatisfy(box -> assertThat(box.getWidth()).isGreaterThan(box.getHeight()));
    }

    @ParameterizedTest
    @EnumSource(PdfA.class)
    void pdfaConformsAccordingToVeraPdf(PdfA level) throws Exception {
        Path pdf = convert(SampleDocuments.docx(), options(Map.of("pdfa", level.label())));
        PDFAFlavour flavour = PDFAFlavour.byFlavourId(level.part() + "b");
        try (InputStream in = Files.newInputStream(pdf);
             PDFAParser parser = Foundries.defaultInstance().createParser(in, flavour);
             PDFAValidator validator = Foundries.defaultInstance().createValidator(flavour, false)) {
            ValidationResult result = validator.validate(parser);
            assertThat(result.getPDFAFlavour()).isEqualTo(flavour);
            assertThat(result.isCompliant()).as("veraPDF %s: %s", flavour, result.getTestAssertions()).isTrue();
        }
    }

    @Test
    void withoutPdfaVeraPdfFindsNoConformance() throws Exception {
        // The control: the check above is not one every LibreOffice PDF passes.
        Path pdf = convert(SampleDocuments.docx(), PdfOptions.NONE);
        PDFAFlavour flavour = PDFAFlavour.PDFA_2_B;
        try (InputStream in = Files.newInputStream(pdf);
             PDFAParser parser = Foundries.defaultInstance().createParser(in, flavour);
             PDFAValidator validator = Foundries.defaultInstance().createValidator(flavour, false)) {
            assertThat(validator.validate(parser).isCompliant()).isFalse();
        }
    }

    @Test
    void pdfuaTagsTheDocument() throws Exception {
        Path pdf = convert(SampleDocuments.docx(), options(Map.of("pdfua", "true")));
        try (PDDocument doc = Loader.loadPDF(pdf.toFile())) {
            assertThat(doc.getDocumentCatalog().getMarkInfo()).isNotNull();
            assertThat(doc.getDocumentCatalog().getMarkInfo().isMarked()).isTrue();
            assertThat(doc.getDocumentCatalog().getStructureTreeRoot()).isNotNull();
            assertThat(doc.getDocumentCatalog().getMetadata()).isNotNull();
            assertThat(new String(doc.getDocumentCatalog().getMetadata().toByteArray()))
                    .contains("pdfuaid:part");
        }
    }

    private static PdfOptions options(Map<String, String> fields) {
        return PdfOptions.fromFields(fields::get);
    }

    private static Path convert(SampleDocuments.Doc doc, PdfOptions options) throws Exception {
        Path dir = Files.createTempDirectory(work, "case-");
        Path in = dir.resolve(doc.name());
        Files.write(in, doc.bytes());
        Path out = dir.resolve("out.pdf");
        converter.convert(in, out, new Cancellation(), null, options);
        return out;
    }

    private static List<PDRectangle> pageBoxes(Path pdf) throws Exception {
        List<PDRectangle> boxes = new ArrayList<>();
        try (PDDocument doc = Loader.loadPDF(pdf.toFile())) {
            for (PDPage page : doc.getPages()) {
                PDRectangle box = page.getMediaBox();
                // A /Rotate of 90 or 270 shows the box turned: orientation is what a viewer displays.
                boxes.add(page.getRotation() % 180 == 0 ? box : new PDRectangle(box.getHeight(), box.getWidth()));
            }
        }
        return boxes;
    }
}
