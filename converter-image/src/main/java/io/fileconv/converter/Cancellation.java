package io.fileconv.converter;

import java.util.function.BooleanSupplier;

/**
 * Stops one conversion from another thread (the user cancelled, the worker lost its lease). {@link #cancel()} kills
 * the office process running the document, so the call returns at once; a conversion not started yet never starts.
 */
public final class Cancellation {
    private final BooleanSupplier external;
    private volatile boolean cancelled;
    private Runnable onCancel;

    public Cancellation() {
        this(() -> false);
    }

    /** @param external also counts as cancelled when true (checked, never waited for) */
    public Cancellation(BooleanSupplier external) {
        this.external = external;
    }

    public void cancel() {
        Runnable action;
        synchronized (this) {
            cancelled = true;
            action = onCancel;
        }
        if (action != null) {
            action.run();
        }
    }

    public boolean isCancelled() {
        return cancelled || external.getAsBoolean();
    }

    /** What {@link #cancel()} does for the attempt now running; runs at once when already cancelled. */
    void whileRunning(Runnable action) {
        boolean now;
        synchronized (this) {
            onCancel = action;
            now = cancelled;
        }
        if (now && action != null) {
            action.run();
        }
    }
}
