package io.fileconv.core;

/** A conversion that ended without a PDF, with the class that decides whether it may be retried. */
public class ConversionFailure extends Exception {
    private final FailureClass failureClass;

    public ConversionFailure(FailureClass failureClass, String reason) {
        super(reason);
        this.failureClass = failureClass;
    }

    public ConversionFailure(FailureClass failureClass, String reason, Throwable cause) {
        super(reason, cause);
        this.failureClass = failureClass;
    }

    public FailureClass failureClass() {
        return failureClass;
    }
}
