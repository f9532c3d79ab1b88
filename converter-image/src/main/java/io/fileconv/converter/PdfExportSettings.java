package io.fileconv.converter;

import io.fileconv.core.options.PdfOptions;
import org.jodconverter.core.document.DefaultDocumentFormatRegistry;
import org.jodconverter.core.document.DocumentFamily;
import org.jodconverter.core.document.DocumentFormat;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Maps {@link PdfOptions} to LibreOffice's PDF export filter data (the {@code FilterData} of
 * {@code writer_pdf_Export}, {@code calc_pdf_Export}, {@code impress_pdf_Export}, {@code draw_pdf_Export}, which
 * share these names). Landscape is no export setting: {@link PageOrientationFilter} changes the page styles instead.
 */
final class PdfExportSettings {
    private PdfExportSettings() {
    }

    /** The filter data for {@code options}; an option not asked for is left out, so LibreOffice's default holds. */
    static Map<String, Object> filterData(PdfOptions options) {
        Map<String, Object> data = new LinkedHashMap<>();
        if (options.pageRanges() != null) {
            data.put("PageRange", options.pageRanges());
        }
        if (options.pdfa() != null) {
            // SelectPdfVersion 1, 2, 3 are PDF/A-1b, PDF/A-2b, PDF/A-3b.
            data.put("SelectPdfVersion", options.pdfa().part());
        }
        putIfSet(data, "PDFUACompliance", options.pdfua());
        putIfSet(data, "SinglePageSheets", options.singlePageSheets());
        putIfSet(data, "UseLosslessCompression", options.losslessImageCompression());
        putIfSet(data, "Quality", options.quality());
        if (options.maxImageResolution() != null) {
            data.put("ReduceImageResolution", true);
            data.put("MaxImageResolution", options.maxImageResolution());
        }
        putIfSet(data, "ExportBookmarks", options.exportBookmarks());
        putIfSet(data, "ExportNotes", options.exportNotes());
        return data;
    }

    /** JODConverter's PDF target carrying the filter data for every input family (text, sheet, slides, drawing). */
    static DocumentFormat pdfFormat(PdfOptions options) {
        Map<String, Object> data = filterData(options);
        if (data.isEmpty()) {
            return DefaultDocumentFormatRegistry.PDF;
        }
        DocumentFormat.Builder pdf = DocumentFormat.builder().from(DefaultDocumentFormatRegistry.PDF).unmodifiable(true);
        for (DocumentFamily family : DocumentFamily.values()) {
            if (DefaultDocumentFormatRegistry.PDF.getStoreProperties(family) != null) {
                pdf.storeProperty(family, "FilterData", data);
            }
        }
        return pdf.build();
    }

    private static void putIfSet(Map<String, Object> data, String name, Object value) {
        if (value != null) {
            data.put(name, value);
        }
    }
}
