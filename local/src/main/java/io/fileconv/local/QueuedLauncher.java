package io.fileconv.local;

import io.fileconv.core.ConversionLauncher;
import io.fileconv.core.ConversionRequest;
import io.fileconv.core.FileRecord;
import io.fileconv.core.FileRepository;
import io.fileconv.core.FileStatus;
import io.fileconv.core.Region;
import io.fileconv.pipeline.work.PooledWork;
import io.fileconv.pipeline.work.WorkQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;

/**
 * The embedded stack's adapter of the launcher port: where a cluster creates a FileConversion whose reconciler
 * queues it for the pooled converters, this queues the attempt in the same {@link WorkQueue} directly. Only an
 * attempt whose row is QUEUED or CONVERTING at that attempt is queued, so a replayed launch of a finished, cancelled
 * or superseded attempt converts nothing; the dispatcher's launch comes before its UPLOADED -> QUEUED commit, so
 * the attempt is queued when the dispatcher reports the commit ({@link #dispatched}).
 */
final class QueuedLauncher implements ConversionLauncher {
    private static final Logger LOG = LoggerFactory.getLogger(QueuedLauncher.class);

    private final PooledWork work;
    private final Map<Region, FileRepository> repositories;

    QueuedLauncher(PooledWork work, Map<Region, FileRepository> repositories) {
        this.work = work;
        this.repositories = new EnumMap<>(repositories);
        // Nothing outside this process mirrors the queue (no resource status to write): a finished or withdrawn
        // attempt is forgotten at once, so the queue holds only what waits or converts.
        work.queue().onChange(key -> {
            WorkQueue q = work.queue();
            if (q.settled(key).isPresent() || (q.waiting(key).isEmpty() && q.leaseOf(key).isEmpty())) {
                q.forget(key);
            }
        });
    }

    @Override
    public void launch(ConversionRequest request) throws SQLException {
        Optional<FileRecord> row = repositories.get(request.region()).find(request.fileId());
        // Not dispatched yet (dispatched() follows), or moved on: nothing to convert.
        if (row.isPresent() && work.queueDispatched(key(request.fileId(), request.attempt()), row.get(),
                request.attempt())) {
            LOG.debug("file={} attempt={} queued for a converter", request.fileId(), request.attempt());
        }
    }

    @Override
    public void dispatched(ConversionRequest request) throws SQLException {
        launch(request);
    }

    /** A waiting attempt is withdrawn; a converting one loses its lease, and its worker kills that office process. */
    @Override
    public void cancel(Region region, String fileId, int attempt) {
        String key = key(fileId, attempt);
        work.queue().cancel(key).ifPresent(lease -> LOG.info("stopping the running conversion of file={} attempt={}"
                + " in {}", fileId, attempt, lease.podName()));
        work.queue().forget(key);
    }

    /** Whether the attempt waits or converts here (the sweeper's notion of "its resource exists"). */
    boolean holds(ConversionRequest request) {
        String key = key(request.fileId(), request.attempt());
        return work.queue().waiting(key).isPresent() || work.queue().leaseOf(key).isPresent();
    }

    /**
     * Queues again what a previous run of this process dispatched and did not finish: nothing of it can still
     * run (its workers died with it), so a CONVERTING row is as good as a lost lease.
     */
    void resumeInterrupted() throws SQLException {
        for (Map.Entry<Region, FileRepository> e : repositories.entrySet()) {
            for (FileRecord f : e.getValue().findInStatus(EnumSet.of(FileStatus.QUEUED, FileStatus.CONVERTING))) {
                LOG.info("resuming file={} attempt={} status={}", f.id(), f.attempts(), f.status());
                work.queueDispatched(key(f.id(), f.attempts()), f, f.attempts());
            }
        }
    }

    /** The queue's key of an attempt. */
    private static String key(String fileId, int attempt) {
        return fileId + "#" + attempt;
    }
}
