package io.fileconv.operator.k8s.reconciler;

import io.fileconv.core.FailureClass;

import java.time.Instant;

/**
 * What a converter Job has done so far, read from the Job and, for a failure, its pod's exit code.
 *
 * @param failureClass set when {@code state == FAILED}
 * @param startTime    when the Job started (null while it waits)
 * @param finishTime   when it ended (null while it runs)
 */
public record ConverterRun(State state, FailureClass failureClass, String message, Instant startTime,
                           Instant finishTime) {

    public enum State { WAITING, RUNNING, SUCCEEDED, FAILED }
}
