package io.fileconv.core.options;

/** A PDF option with a value outside what {@link PdfOptions} accepts; the message is meant for the user. */
public class InvalidPdfOptionException extends IllegalArgumentException {
    private final String field;

    public InvalidPdfOptionException(String field, String message) {
        super(message);
        this.field = field;
    }

    /** The form field (and JSON property) that holds the bad value. */
    public String field() {
        return field;
    }
}
