package io.fileconv.pipeline.retry;

import java.sql.SQLException;
import java.util.List;

/**
 * One retry run over one region: pages through the candidates by id and requeues each one. Requeueing is a
 * conditional UPDATE on the attempt that was seen, so a row that changed meanwhile (cancelled, or requeued by an
 * overlapping run) is skipped, and paging by id (not re-querying from the start) guarantees termination even
 * when some rows are skipped.
 */
public final class RetryPass {

    /** Candidates with an id above {@code afterId} (null = from the start), in id order, at most {@code limit}. */
    @FunctionalInterface
    public interface Candidates {
        List<RetryCandidate> after(String afterId, int limit) throws SQLException;
    }

    /** FAILED -> UPLOADED for the seen attempt; false when the row no longer matches. */
    @FunctionalInterface
    public interface Requeue {
        boolean apply(String id, int seenAttempt) throws SQLException;
    }

    /** @param candidates rows found; requeued rows changed by this run */
    public record Result(int candidates, int requeued) {
    }

    private final int pageSize;

    public RetryPass(int pageSize) {
        if (pageSize < 1) {
            throw new IllegalArgumentException("page size must be positive");
        }
        this.pageSize = pageSize;
    }

    /** Whether the file's owner may be retried here now (not frozen by a migration, still living here). */
    @FunctionalInterface
    public interface Eligible {
        boolean test(RetryCandidate candidate) throws SQLException;
    }

    public Result run(Candidates candidates, Requeue requeue) throws SQLException {
        return run(candidates, c -> true, requeue);
    }

    public Result run(Candidates candidates, Eligible eligible, Requeue requeue) throws SQLException {
        int found = 0;
        int requeued = 0;
        String after = null;
        while (true) {
            List<RetryCandidate> page = candidates.after(after, pageSize);
            for (RetryCandidate c : page) {
                found++;
                if (eligible.test(c) && requeue.apply(c.id(), c.attempts())) {
                    requeued++;
                }
                after = c.id();
            }
            if (page.size() < pageSize) {
                return new Result(found, requeued);
            }
        }
    }
}
