package io.fileconv.pipeline.dispatch;

import io.fileconv.core.ConversionLauncher;
import io.fileconv.core.ConversionRequest;
import io.fileconv.core.LogContext;
import org.apache.kafka.common.TopicPartition;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;

/**
 * The effects of one poll's records, planned per partition in offset order. New attempts' row reads run side by side,
 * because they are independent of each other; what orders the pipeline is the commit that follows them, in which
 * each partition advances only up to its first record whose effect failed (the dispatcher launches the committed
 * attempts after it).
 */
final class DispatchBatch {

    /** What one record asks for. */
    sealed interface Step permits Skip, Launch, Cancel {
        long offset();
    }

    /** No effect (unusable, not a new attempt, attempt already dispatched): only the stored offset moves. */
    record Skip(long offset) implements Step {
    }

    /**
     * A new attempt: its row is read and, while UPLOADED at that attempt, becomes QUEUED in the commit. Completes with
     * the attempt's request, or null when the row says there is nothing to dispatch.
     */
    record Launch(long offset, CompletableFuture<ConversionRequest> launched) implements Step {
    }

    /** Reads the row of a new attempt on a read thread; null: nothing to dispatch. */
    interface NewAttempt {
        ConversionRequest launch() throws Exception;
    }

    /** Stop an attempt the user cancelled. */
    record Cancel(long offset, ConversionRequest request) implements Step {
    }

    /**
     * A partition's applicable prefix: the attempts to mark QUEUED (and launch after the commit), the offset to store and to go on from, the
     * events with an effect, and whether that is the whole of the batch's records (otherwise redeliver from next).
     */
    record Applied(List<ConversionRequest> launched, long next, int effects, boolean complete) {
    }

    private final Map<TopicPartition, List<Step>> steps = new LinkedHashMap<>();
    /** Where planning a partition stopped (a row could not be read): that record and later ones are redelivered. */
    private final Map<TopicPartition, Long> plannedUpTo = new LinkedHashMap<>();

    void add(TopicPartition tp, Step step) {
        steps.computeIfAbsent(tp, k -> new ArrayList<>()).add(step);
    }

    /** Planning of {@code tp} stopped at {@code offset}; later records of the partition are not looked at. */
    void stopPlanning(TopicPartition tp, long offset) {
        plannedUpTo.put(tp, offset);
    }

    boolean stoppedPlanning(TopicPartition tp) {
        return plannedUpTo.containsKey(tp);
    }

    Set<TopicPartition> partitions() {
        Set<TopicPartition> all = new LinkedHashSet<>(steps.keySet());
        all.addAll(plannedUpTo.keySet());
        return all;
    }

    /** Starts a new attempt's row read on {@code executor}. */
    static Launch launch(long offset, NewAttempt attempt, Executor executor) {
        return new Launch(offset, CompletableFuture.supplyAsync(() -> {
            try {
                return attempt.launch();
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new LaunchFailed(e);
            }
        }, executor));
    }

    /**
     * Waits for the row reads of {@code tp} and runs its cancellations in offset order, up to the first failure: the
     * prefix whose effects happen. A cancellation follows every read before it, so a record's effect never overtakes
     * an earlier one's.
     */
    Applied apply(TopicPartition tp, ConversionLauncher launcher, FailureLog log) throws InterruptedException {
        List<ConversionRequest> launched = new ArrayList<>();
        long next = -1;
        int effects = 0;
        for (Step step : steps.getOrDefault(tp, List.of())) {
            try {
                if (step instanceof Launch l) {
                    ConversionRequest r = l.launched().get();
                    if (r != null) {
                        launched.add(r);
                        effects++;
                    }
                } else if (step instanceof Cancel c) {
                    ConversionRequest r = c.request();
                    try (LogContext ignored = LogContext.forFile(r.fileId(), null, r.region(), r.attempt(), null)) {
                        launcher.cancel(r.region(), r.fileId(), r.attempt());
                    }
                    effects++;
                }
            } catch (InterruptedException e) {
                throw e;
            } catch (ExecutionException e) {
                log.notApplied(tp, step.offset(), e.getCause() instanceof LaunchFailed f ? f.getCause() : e.getCause());
                return new Applied(launched, step.offset(), effects, false);
            } catch (Exception e) {
                log.notApplied(tp, step.offset(), e);
                return new Applied(launched, step.offset(), effects, false);
            }
            next = step.offset() + 1;
        }
        Long stopped = plannedUpTo.get(tp);
        return stopped != null ? new Applied(launched, stopped, effects, false)
                : new Applied(launched, next, effects, true);
    }

    /** Where a partition stopped and why (the record is redelivered after a back-off). */
    interface FailureLog {
        void notApplied(TopicPartition tp, long offset, Throwable cause);
    }

    /** A checked exception of a launch, carried through the future. */
    private static final class LaunchFailed extends RuntimeException {
        LaunchFailed(Exception cause) {
            super(cause);
        }
    }
}
