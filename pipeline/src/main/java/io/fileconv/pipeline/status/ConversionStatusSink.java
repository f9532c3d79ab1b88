package io.fileconv.pipeline.status;

import io.fileconv.core.FailureClass;

import java.time.Duration;

/**
 * Where the reconciler records what a Job did, besides the FileConversion's status: the files row of the
 * attempt's region. Every call is a conditional transition, so calling it again after a crash or a replayed
 * event is harmless; the result says whether the row changed.
 */
public interface ConversionStatusSink {

    /** The Job's pod runs: QUEUED (or an interrupted CONVERTING) -> CONVERTING. */
    boolean converting(ConversionAttempt attempt) throws Exception;

    /** CONVERTING -> CONVERTED. */
    boolean converted(ConversionAttempt attempt, Duration conversionTime) throws Exception;

    /** QUEUED or CONVERTING -> FAILED with the class the converter's exit code stands for. */
    boolean failed(ConversionAttempt attempt, FailureClass failureClass, String reason) throws Exception;

    /**
     * Whether the attempt's row is still UPLOADED: its resource exists, but the dispatcher has not committed
     * UPLOADED -> QUEUED yet (database away, or the dispatcher died between the two and will replay the event).
     * No transition to an outcome applies from UPLOADED, so an outcome recorded now would be lost.
     */
    default boolean awaitsDispatch(ConversionAttempt attempt) throws Exception {
        return false;
    }
}
