package io.fileconv.converter;

import io.fileconv.core.options.PdfA;
import io.fileconv.core.options.PdfOptions;
import org.jodconverter.core.document.DefaultDocumentFormatRegistry;
import org.jodconverter.core.document.DocumentFamily;
import org.jodconverter.core.document.DocumentFormat;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class PdfExportSettingsTest {

    @Test
    void mapsEveryOptionToLibreOfficeFilterData() {
        PdfOptions options = new PdfOptions("1-3,5", true, PdfA.PDF_A_3B, true, true, false, 70, 150, false, true);
        assertThat(PdfExportSettings.filterData(options)).containsExactly(
                Map.entry("PageRange", "1-3,5"),
                Map.entry("SelectPdfVersion", 3),
                Map.entry("PDFUACompliance", true),
                Map.entry("SinglePageSheets", true),
                Map.entry("UseLosslessCompression", false),
                Map.entry("Quality", 70),
                Map.entry("ReduceImageResolution", true),
                Map.entry("MaxImageResolution", 150),
                Map.entry("ExportBookmarks", false),
                Map.entry("ExportNotes", true));
    }

    @Test
    void noOptionsKeepJodConvertersPdfFormat() {
        assertThat(PdfExportSettings.pdfFormat(PdfOptions.NONE)).isSameAs(DefaultDocumentFormatRegistry.PDF);
        assertThat(PdfExportSettings.filterData(new PdfOptions(null, true, null, null, null, null, null, null, null,
                null))).as("landscape is a page style change, not filter data").isEmpty();
    }

    @Test
    void everyInputFamilyKeepsItsExportFilterAndGetsTheData() {
        DocumentFormat pdf = PdfExportSettings.pdfFormat(new PdfOptions("2", null, PdfA.PDF_A_1B, null, null, null,
                null, null, null, null));
        for (DocumentFamily family : new DocumentFamily[] {DocumentFamily.TEXT, DocumentFamily.SPREADSHEET,
                DocumentFamily.PRESENTATION, DocumentFamily.DRAWING}) {
            Map<String, Object> store = pdf.getStoreProperties(family);
            assertThat(store.get("FilterName"))
                    .isEqualTo(DefaultDocumentFormatRegistry.PDF.getStoreProperties(family).get("FilterName"));
            assertThat(store.get("FilterData")).isEqualTo(Map.of("PageRange", "2", "SelectPdfVersion", 1));
        }
    }
}
