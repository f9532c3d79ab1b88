package io.fileconv.api;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class FileNamesTest {

    @Test
    void keepsOnlyTheLastPathSegment() {
        assertThat(FileNames.sanitize("C:\\Users\\eve\\report.docx")).isEqualTo("report.docx");
        assertThat(FileNames.sanitize("../../etc/passwd")).isEqualTo("passwd");
    }

    @Test
    void dropsControlAndBidiCharactersAndLeadingDots() {
        // U+202E RIGHT-TO-LEFT OVERRIDE would display "invoice_fdp.exe" as "invoice_exe.pdf"
        assertThat(FileNames.sanitize("invoice_\u202Efdp.exe")).isEqualTo("invoice_fdp.exe");
        assertThat(FileNames.sanitize("a\u0000b\nc\r.txt")).isEqualTo("abc.txt");
        assertThat(FileNames.sanitize("...hidden")).isEqualTo("hidden");
        assertThat(FileNames.sanitize("   ")).isEqualTo("document");
        assertThat(FileNames.sanitize(null)).isEqualTo("document");
    }

    @Test
    void boundsTheLengthButKeepsTheExtension() {
        String longName = FileNames.sanitize("é".repeat(500) + ".docx");
        assertThat(longName.codePointCount(0, longName.length())).isEqualTo(FileNames.MAX_LENGTH);
        assertThat(longName).endsWith(".docx");
        assertThat(FileNames.sanitize("é".repeat(500)).length()).isEqualTo(FileNames.MAX_LENGTH);
    }

    @Test
    void contentDispositionIsSafeForAnyName() {
        String h = FileNames.contentDisposition(FileNames.pdfName("Résumé \"final\"; v2.docx"));
        assertThat(h).startsWith("attachment; filename=\"R_sum_ final_ v2.pdf\"");
        assertThat(h).contains("filename*=UTF-8''R%C3%A9sum%C3%A9%20final%3B%20v2.pdf");
        assertThat(h).doesNotContain("\n").doesNotContain("\r");
    }
}
