package io.fileconv.converter;

/** The work source refuses this worker (bad or revoked token): retrying cannot help, the worker ends. */
public final class WorkSourceRefusedException extends Exception {
    public WorkSourceRefusedException(String message) {
        super(message);
    }
}
