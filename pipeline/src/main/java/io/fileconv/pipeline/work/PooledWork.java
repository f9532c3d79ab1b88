package io.fileconv.pipeline.work;

import io.fileconv.core.FailureClass;
import io.fileconv.core.FileRecord;
import io.fileconv.core.FileRepository;
import io.fileconv.core.FileStatus;
import io.fileconv.core.LogContext;
import io.fileconv.core.ObjectStore;
import io.fileconv.core.Region;
import io.fileconv.core.S3Keys;
import io.fileconv.core.metrics.WorkMetrics;
import io.fileconv.core.work.PresignedLinks;
import io.fileconv.core.work.WorkItem;
import io.fileconv.core.work.WorkOutcome;
import io.fileconv.pipeline.status.ConversionStatusSink;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The operator as the converters' work queue: hands out leases with presigned links, renews them, records
 * outcomes through the same {@link ConversionStatusSink} (conditional row transitions) as per-file Jobs, and
 * gives back files whose pod stopped renewing, up to an attempt budget. The FileConversion status follows
 * through the reconciler, which {@link WorkQueue} notifies.
 */
public final class PooledWork {
    private static final Logger LOG = LoggerFactory.getLogger(PooledWork.class);

    /** Links outlive the document's time limit: the PDF is PUT after the conversion, up to a lease later. */
    private static final Duration LINK_SLACK = Duration.ofSeconds(60);

    private final WorkQueue queue;
    private final ConversionStatusSink sink;
    private final PresignedLinks links;
    private final Function<Region, String> buckets;
    private final PoolSettings pool;
    private final Duration conversionTimeout;
    private final Clock clock;
    private volatile boolean leader;
    private volatile WorkMetrics metrics;
    private volatile Consumer<WorkRequest> discardOutput = r -> { };

    private Passwords passwords = r -> Optional.empty();

    public PooledWork(WorkQueue queue, ConversionStatusSink sink, PresignedLinks links, Function<Region, String> buckets,
                      PoolSettings pool, Duration conversionTimeout, Clock clock) {
        this.queue = queue;
        this.sink = sink;
        this.links = links;
        this.buckets = buckets;
        this.pool = pool;
        this.conversionTimeout = conversionTimeout;
        this.clock = clock;
    }

    /**
     * The work of a deployable serving {@code repositories}' regions (the operator on a cluster, the embedded stack's
     * worker): queue, metrics, a late PDF of a cancelled attempt deleted, passwords read from the region's table.
     */
    public static PooledWork forRegions(PoolSettings pool, Duration conversionTimeout, ConversionStatusSink sink,
                                        PresignedLinks links, Map<Region, FileRepository> repositories,
                                        Function<Region, String> bucketOf, ObjectStore store,
                                        MeterRegistry registry) {
        Map<Region, String> byRegion = new EnumMap<>(Region.class);
        repositories.keySet().forEach(r -> byRegion.put(r, bucketOf.apply(r)));
        return new PooledWork(new WorkQueue(pool, Clock.systemUTC()), sink, links, buckets(byRegion), pool,
                conversionTimeout, Clock.systemUTC())
                .withMetrics(registry, repositories.keySet())
                .withOutputDiscard(r -> deleteUnlessConverted(repositories.get(r.region()), store,
                        byRegion.get(r.region()), r))
                .withPasswords(r -> repositories.get(r.region()).password(r.fileId()));
    }

    /**
     * How to delete the PDF of a file that its pod wrote after all although the file was cancelled meanwhile (the
     * cancel overtook the pod's last heartbeat, or came between the PUT and the report): a cancelled file keeps no
     * output. Called with the file's request; the callee must leave a CONVERTED file's PDF alone.
     */
    public PooledWork withOutputDiscard(Consumer<WorkRequest> discard) {
        this.discardOutput = discard;
        return this;
    }

    /** Exports queue depth, leases, Jobs alive and lost leases per region (none until called). */
    public PooledWork withMetrics(MeterRegistry registry, Iterable<Region> regions) {
        this.metrics = new WorkMetrics(registry, regions, queue::waiting,
                r -> queue.oldestWaiting(r).toMillis() / 1000.0, queue::leased);
        return this;
    }

    public void jobsAlive(Region region, int n) {
        WorkMetrics m = metrics;
        if (m != null) {
            m.jobsAlive(region, n);
        }
    }

    public WorkQueue queue() {
        return queue;
    }

    public PoolSettings settings() {
        return pool;
    }

    /**
     * Queues attempt {@code attempt} of {@code row} under {@code key} while the row is QUEUED or CONVERTING at that
     * attempt: the dispatcher committed it and nothing recorded an outcome yet. A replayed launch of a finished,
     * cancelled or superseded attempt queues nothing; one already waiting, leased or settled is not queued twice.
     */
    public boolean queueDispatched(String key, FileRecord row, int attempt) {
        if (row.attempts() != attempt || !EnumSet.of(FileStatus.QUEUED, FileStatus.CONVERTING).contains(row.status())) {
            return false;
        }
        return queue.offer(WorkRequest.of(key, row, 0));
    }

    /** Only the leader hands out work; the endpoint answers 503 elsewhere. */
    public boolean isLeader() {
        return leader;
    }

    public void leading(boolean leading) {
        this.leader = leading;
    }

    /**
     * The next file for a pod of that Job, waiting up to {@code wait}: the row moves to CONVERTING before the item
     * is handed out, so a file whose row moved on (cancelled, converted by a replayed attempt) is skipped.
     */
    public Optional<WorkItem> claim(JobIdentity job, String podName, Duration wait) throws Exception {
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            Duration left = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
            Optional<Lease> taken = queue.take(job.region(), job.jobName(), podName, left);
            if (taken.isEmpty()) {
                return Optional.empty();
            }
            Lease lease = taken.get();
            WorkRequest r = lease.request();
            boolean claimed;
            try {
                claimed = sink.converting(r.conversionAttempt());
            } catch (Exception e) {
                // Database away: the file waits for the next claim instead of being lost.
                queue.end(lease.id(), job.jobName());
                queue.offer(r);
                throw e;
            }
            if (!claimed) {
                // The reconciler looks at the row again and finishes the resource from it.
                queue.end(lease.id(), job.jobName());
                queue.changed(r.key());
                LOG.info("file {}: not handed out, its row is no longer QUEUED or CONVERTING for attempt {}",
                        r.fileId(), r.attempt());
                continue;
            }
            queue.changed(r.key());
            try (LogContext ignored = LogContext.forFile(r.fileId(), r.userId(), r.region(), r.attempt(), null)) {
                LOG.info("file {}: leased to pod {} of Job {}", r.fileId(), podName, job.jobName());
            }
            return Optional.of(item(lease));
        }
    }

    private WorkItem item(Lease lease) throws Exception {
        WorkRequest r = lease.request();
        String bucket = buckets.apply(r.region());
        Duration ttl = conversionTimeout.plus(pool.lease()).plus(LINK_SLACK);
        return new WorkItem(lease.id(), r.fileId(), r.attempt(), r.detectedType(),
                links.get(bucket, S3Keys.input(r.userId(), r.fileId()), ttl),
                links.putPdf(bucket, S3Keys.output(r.userId(), r.fileId()), ttl),
                (int) conversionTimeout.toSeconds(), (int) pool.lease().toSeconds(), r.options(),
                passwords.of(r).orElse(null), links.putPng(bucket, S3Keys.thumbnail(r.userId(), r.fileId()), ttl));
    }

    /** Where a work item's document password comes from (the region's file_passwords table). */
    @FunctionalInterface
    public interface Passwords {
        Optional<String> of(WorkRequest request) throws Exception;
    }

    /** Reads document passwords with {@code source}; without it no item carries one. */
    public PooledWork withPasswords(Passwords source) {
        this.passwords = source;
        return this;
    }

    /** false: the lease is gone (expired, cancelled, unknown, another Job's); the pod stops that conversion. */
    public boolean heartbeat(JobIdentity job, String leaseId) {
        return queue.renew(leaseId, job.jobName());
    }

    /**
     * Records an outcome: the row first (conditional transitions), then the resource's status through the
     * reconciler. false when the lease is gone: a late report changes nothing.
     */
    public boolean report(JobIdentity job, String leaseId, WorkOutcome outcome) throws Exception {
        return report(job, leaseId, outcome, (fileId, attempt, o) -> { });
    }

    /** Sees an outcome whose lease was live, before it is recorded (the embedded stack's conversion log). */
    @FunctionalInterface
    public interface AcceptedOutcome {
        void accepted(String fileId, int attempt, WorkOutcome outcome);
    }

    /** As {@link #report(JobIdentity, String, WorkOutcome)}, telling {@code accepted} first. */
    public boolean report(JobIdentity job, String leaseId, WorkOutcome outcome, AcceptedOutcome accepted)
            throws Exception {
        Optional<Lease> ended = queue.end(leaseId, job.jobName());
        if (ended.isEmpty()) {
            Optional<WorkRequest> cancelled = outcome.converted() ? queue.revoked(leaseId) : Optional.empty();
            cancelled.ifPresent(r -> {
                discardOutput.accept(r);
                LOG.info("file {}: cancelled while converting; the PDF its pod wrote was deleted", r.fileId());
            });
            return false;
        }
        Lease lease = ended.get();
        WorkRequest r = lease.request();
        accepted.accepted(r.fileId(), r.attempt(), outcome);
        WorkMetrics m = metrics;
        if (m != null && outcome.thumbnail() != null) {
            m.thumbnail(r.region(), outcome.thumbnail());
        }
        FailureClass failureClass = outcome.converted() ? null
                : outcome.failureClass() == null ? FailureClass.INTERNAL : outcome.failureClass();
        String message = outcome.converted() ? "PDF written" : failureClass + ": "
                + (outcome.reason() == null ? "no reason given" : outcome.reason());
        try {
            if (outcome.converted()) {
                // No second QUEUED -> CONVERTING here: the claim made it, and it would count the start twice.
                if (!sink.converted(r.conversionAttempt(), Duration.ofMillis(Math.max(0, outcome.conversionMs())))) {
                    // Cancelled (or failed by the sweeper) while the pod converted: the PDF must not stay.
                    discardOutput.accept(r);
                    LOG.info("file {}: converted, but no longer converting; its PDF was deleted", r.fileId());
                }
            } else {
                sink.failed(r.conversionAttempt(), failureClass, message);
            }
        } catch (Exception e) {
            queue.restore(lease);
            throw e;
        }
        queue.settle(r.key(), new Settled(failureClass, message, lease.jobName(), lease.podName(), lease.started(),
                clock.instant()));
        queue.changed(r.key());
        try (LogContext ignored = LogContext.forFile(r.fileId(), r.userId(), r.region(), r.attempt(), null)) {
            LOG.info("file {}: {} by pod {} of Job {}", r.fileId(), message, lease.podName(), lease.jobName());
        }
        return true;
    }

    /**
     * Leases not renewed in time (pod OOMKilled, evicted, node lost): the file goes back to the queue, or ends
     * FAILED (RESOURCES_EXHAUSTED, not retried) once its pods were lost {@code maxLeaseLosses} times.
     */
    public void sweep() {
        for (Lease lease : queue.expire()) {
            WorkRequest r = lease.request().lostOnceMore();
            WorkMetrics m = metrics;
            if (m != null) {
                m.leaseExpired(r.region());
            }
            try (LogContext ignored = LogContext.forFile(r.fileId(), r.userId(), r.region(), r.attempt(), null)) {
                if (r.leaseLosses() < pool.maxLeaseLosses()) {
                    LOG.warn("file {}: pod {} of Job {} stopped renewing its lease ({} of {} allowed losses);"
                            + " queued again", r.fileId(), lease.podName(), lease.jobName(), r.leaseLosses(),
                            pool.maxLeaseLosses());
                    queue.offer(r);
                    queue.changed(r.key());
                    continue;
                }
                String reason = "converter pod lost " + r.leaseLosses() + " times (last: pod " + lease.podName()
                        + " of Job " + lease.jobName() + " stopped renewing its lease)";
                try {
                    sink.failed(r.conversionAttempt(), FailureClass.RESOURCES_EXHAUSTED, reason);
                } catch (Exception e) {
                    // Try again at the next sweep: the lease comes back already expired.
                    LOG.warn("file {}: could not record the failure yet: {}", r.fileId(), e.toString());
                    queue.restore(new Lease(lease.id(), lease.request(), lease.jobName(), lease.podName(),
                            lease.started(), lease.expiry()));
                    continue;
                }
                LOG.warn("file {}: {}; FAILED", r.fileId(), reason);
                queue.settle(r.key(), new Settled(FailureClass.RESOURCES_EXHAUSTED, reason, lease.jobName(),
                        lease.podName(), lease.started(), clock.instant()));
                queue.changed(r.key());
            }
        }
    }

    /** The discard both hosts use: the file's PDF goes unless its row is CONVERTED (then the PDF is its own). */
    public static void deleteUnlessConverted(FileRepository files, ObjectStore store, String bucket, WorkRequest r) {
        try {
            if (files.find(r.fileId()).map(f -> f.status() == FileStatus.CONVERTED).orElse(false)) {
                return;
            }
            store.delete(bucket, S3Keys.output(r.userId(), r.fileId()));
        } catch (Exception e) {
            LOG.warn("file {}: the PDF of a cancelled conversion could not be deleted: {}", r.fileId(), e.toString());
        }
    }

    /**
     * The PDF of a file whose row is gone (deleted) or CANCELLED goes: both are final and own no PDF. Unlike
     * {@link #deleteUnlessConverted} it is safe at any later time, since no new attempt can follow either.
     */
    public static void deleteIfOrphaned(FileRepository files, ObjectStore store, String bucket, String userId,
                                        String fileId) {
        try {
            if (files.find(fileId).map(f -> f.status() == FileStatus.CANCELLED).orElse(true)) {
                store.delete(bucket, S3Keys.output(userId, fileId));
            }
        } catch (Exception e) {
            LOG.warn("file {}: the PDF of a cancelled or deleted file could not be deleted: {}", fileId, e.toString());
        }
    }

    /** Buckets by region, as the operator's environment names them. */
    public static Function<Region, String> buckets(Map<Region, String> byRegion) {
        return region -> {
            String b = byRegion.get(region);
            if (b == null) {
                throw new IllegalStateException("no bucket configured for region " + region.code());
            }
            return b;
        };
    }
}
