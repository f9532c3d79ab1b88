package io.fileconv.operator.k8s.crd;

/** Reserved rendering options; the converter ignores them until it supports them. */
public class ConversionOptions {
    private String pageRanges;
    private Boolean landscape;
    private Boolean pdfA;

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

    public Boolean getPdfA() {
        return pdfA;
    }

    public void setPdfA(Boolean pdfA) {
        this.pdfA = pdfA;
    }
}
