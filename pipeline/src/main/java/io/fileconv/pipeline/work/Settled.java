package io.fileconv.pipeline.work;

import io.fileconv.core.FailureClass;

import java.time.Instant;

/**
 * The recorded end of a pooled conversion (the row is already written): what the reconciler puts in the
 * FileConversion's status.
 *
 * @param failureClass null when converted
 */
public record Settled(FailureClass failureClass, String message, String jobName, String podName, Instant started,
                      Instant finished) {

    public boolean converted() {
        return failureClass == null;
    }
}
