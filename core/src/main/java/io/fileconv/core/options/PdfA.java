package io.fileconv.core.options;

import java.util.Arrays;
import java.util.Optional;

/** The PDF/A conformance levels a user can ask for, by the names the API accepts. */
public enum PdfA {
    PDF_A_1B("PDF/A-1b"),
    PDF_A_2B("PDF/A-2b"),
    PDF_A_3B("PDF/A-3b");

    private final String label;

    PdfA(String label) {
        this.label = label;
    }

    /** The API's name, e.g. {@code PDF/A-2b}. */
    public String label() {
        return label;
    }

    /** Part number of ISO 19005 (1, 2 or 3). */
    public int part() {
        return ordinal() + 1;
    }

    /** Case-insensitive, so {@code pdf/a-2b} is accepted too. */
    public static Optional<PdfA> byLabel(String label) {
        return Arrays.stream(values()).filter(p -> p.label.equalsIgnoreCase(label)).findFirst();
    }
}
