package io.fileconv.operator.k8s.reconciler;

import io.fileconv.pipeline.status.ConversionAttempt;
import io.fileconv.pipeline.status.ConversionStatusSink;
import io.fileconv.core.FailureClass;
import io.fileconv.core.FileStateMachine;
import io.fileconv.core.FileStatus;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A files table in memory that follows the same state machine as MySQL: every attempt starts QUEUED (the
 * dispatcher's doing) and a transition applies only from its allowed sources. Keeps a log of what applied.
 */
public class InMemoryStatusSink implements ConversionStatusSink {

    /** One applied transition. */
    public record Change(ConversionAttempt attempt, FileStatus status, FailureClass failureClass, Duration took) {
    }

    private final Map<ConversionAttempt, FileStatus> rows = new ConcurrentHashMap<>();
    private final List<Change> changes = new CopyOnWriteArrayList<>();

    @Override
    public boolean converting(ConversionAttempt attempt) {
        return apply(attempt, FileStatus.CONVERTING, null, null);
    }

    @Override
    public boolean converted(ConversionAttempt attempt, Duration conversionTime) {
        return apply(attempt, FileStatus.CONVERTED, null, conversionTime);
    }

    @Override
    public boolean failed(ConversionAttempt attempt, FailureClass failureClass, String reason) {
        return apply(attempt, FileStatus.FAILED, failureClass, null);
    }

    @Override
    public boolean awaitsDispatch(ConversionAttempt attempt) {
        return status(attempt) == FileStatus.UPLOADED;
    }

    /** A row the dispatcher launched but has not queued yet (its transaction not committed). */
    public void uploaded(ConversionAttempt attempt) {
        rows.put(attempt, FileStatus.UPLOADED);
    }

    /** The dispatcher's UPLOADED -> QUEUED. */
    public boolean queued(ConversionAttempt attempt) {
        return apply(attempt, FileStatus.QUEUED, null, null);
    }

    /** What the API's cancel does to the row before the dispatcher sets the cancel flag. */
    public void cancelRow(ConversionAttempt attempt) {
        apply(attempt, FileStatus.CANCELLED, null, null);
    }

    public FileStatus status(ConversionAttempt attempt) {
        return rows.getOrDefault(attempt, FileStatus.QUEUED);
    }

    public List<Change> changes() {
        return List.copyOf(changes);
    }

    private synchronized boolean apply(ConversionAttempt attempt, FileStatus target, FailureClass fc, Duration took) {
        FileStatus current = status(attempt);
        if (!FileStateMachine.allows(current, target)) {
            return false;
        }
        if (current == target) {
            // CONVERTING -> CONVERTING: a re-claim after a crash or a lost pod. It applies (MySQL reports the row
            // as changed: started_at moves) but changes nothing worth logging.
            return true;
        }
        rows.put(attempt, target);
        changes.add(new Change(attempt, target, fc, took));
        return true;
    }
}
