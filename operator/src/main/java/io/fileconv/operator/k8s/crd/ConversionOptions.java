package io.fileconv.operator.k8s.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fileconv.core.options.PdfOptions;

/**
 * The upload's PDF options as the FileConversion spec shows them (the same names and values as the API's form
 * fields). This class only gives the CRD its schema: values go in and out through {@link PdfOptions}, which alone
 * validates them, so a resource edited by hand with a bad value fails the conversion instead of reaching LibreOffice.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ConversionOptions {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Pattern("^[0-9]+(-[0-9]+)?(,[0-9]+(-[0-9]+)?)*$")
    private String pageRanges;
    private Boolean landscape;
    @Pattern("^PDF/A-[123]b$")
    private String pdfa;
    private Boolean pdfua;
    private Boolean singlePageSheets;
    private Boolean losslessImageCompression;
    @Min(1)
    @Max(100)
    private Integer quality;
    private Integer maxImageResolution;
    private Boolean exportBookmarks;
    private Boolean exportNotes;

    /** The spec's form of {@code options}; null when none were asked for (the spec then has no options). */
    public static ConversionOptions of(PdfOptions options) {
        return options == null || options.isEmpty() ? null : JSON.convertValue(options, ConversionOptions.class);
    }

    /** Back through the one parser; absent options are {@link PdfOptions#NONE}. */
    public static PdfOptions toPdfOptions(ConversionOptions options) {
        return options == null ? PdfOptions.NONE : JSON.convertValue(options, PdfOptions.class);
    }

    public String getPageRanges() {
        return pageRanges;
    }

    public void setPageRanges(String pageRanges) {
        this.pageRanges = pageRanges;
    }

    public Boolean getLandscape() {
        return landscape;
    }

    public void setLandscape(Boolean landscape) {
        this.landscape = landscape;
    }

    public String getPdfa() {
        return pdfa;
    }

    public void setPdfa(String pdfa) {
        this.pdfa = pdfa;
    }

    public Boolean getPdfua() {
        return pdfua;
    }

    public void setPdfua(Boolean pdfua) {
        this.pdfua = pdfua;
    }

    public Boolean getSinglePageSheets() {
        return singlePageSheets;
    }

    public void setSinglePageSheets(Boolean singlePageSheets) {
        this.singlePageSheets = singlePageSheets;
    }

    public Boolean getLosslessImageCompression() {
        return losslessImageCompression;
    }

    public void setLosslessImageCompression(Boolean losslessImageCompression) {
        this.losslessImageCompression = losslessImageCompression;
    }

    public Integer getQuality() {
        return quality;
    }

    public void setQuality(Integer quality) {
        this.quality = quality;
    }

    public Integer getMaxImageResolution() {
        return maxImageResolution;
    }

    public void setMaxImageResolution(Integer maxImageResolution) {
        this.maxImageResolution = maxImageResolution;
    }

    public Boolean getExportBookmarks() {
        return exportBookmarks;
    }

    public void setExportBookmarks(Boolean exportBookmarks) {
        this.exportBookmarks = exportBookmarks;
    }

    public Boolean getExportNotes() {
        return exportNotes;
    }

    public void setExportNotes(Boolean exportNotes) {
        this.exportNotes = exportNotes;
    }
}
