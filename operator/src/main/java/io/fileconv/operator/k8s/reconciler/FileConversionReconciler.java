package io.fileconv.operator.k8s.reconciler;

import io.fileconv.pipeline.status.ConversionAttempt;
import io.fileconv.pipeline.status.ConversionStatusSink;
import io.fileconv.core.LogContext;
import io.fileconv.core.Region;
import io.fileconv.operator.k8s.crd.FileConversionSpec;

import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fileconv.core.FailureClass;
import io.fileconv.operator.k8s.Labels;
import io.fileconv.operator.k8s.crd.FileConversion;
import io.fileconv.operator.k8s.crd.FileConversionPhase;
import io.fileconv.operator.k8s.crd.FileConversionStatus;
import io.fileconv.operator.k8s.job.ConverterJobFactory;
import io.fileconv.core.FileRecord;
import io.fileconv.pipeline.work.FileLookup;
import io.fileconv.pipeline.work.Lease;
import io.fileconv.pipeline.work.PooledWork;
import io.fileconv.pipeline.work.Settled;
import io.fileconv.pipeline.work.WorkQueue;
import io.fileconv.pipeline.work.WorkRequest;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.IndexerResourceCache;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.MaxReconciliationInterval;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.HttpURLConnection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Runs a FileConversion as a Job and records its outcome, first in MySQL (through the {@link ConversionStatusSink})
 * and then in the resource's status. That order makes a crash safe: a status that says "finished" implies the row
 * was written, and until then the next reconcile writes it again, which is a no-op if it already applied.
 * Every step is keyed by deterministic names (Job name = resource name), so a restarted operator picks up where
 * the previous one stopped without creating a second Job.
 */
@ControllerConfiguration(name = FileConversionReconciler.NAME,
        // Periodic re-check so a row write that failed (database down) is retried even without a new Job event.
        maxReconciliationInterval = @MaxReconciliationInterval(interval = 2, timeUnit = TimeUnit.MINUTES))
public class FileConversionReconciler implements Reconciler<FileConversion> {
    public static final String NAME = "fileconversion";
    private static final Logger LOG = LoggerFactory.getLogger(FileConversionReconciler.class);
    /**
     * How soon a pooled resource whose row is still UPLOADED is looked at again: the dispatcher commits a poll's
     * transitions right after its creates, within a fraction of a second, unless MySQL is away.
     */
    static final Duration UPLOADED_RECHECK = Duration.ofMillis(500);

    private final ConverterJobFactory jobFactory;
    private final ConversionStatusSink sink;
    private final Duration finishedTtl;
    private final Clock clock;
    /** Pooled mode (null: one Job per FileConversion). */
    private final PooledWork pooled;
    private final FileLookup files;
    /** Where the FileConversions live: queue changes name a resource by key within it. */
    private final String namespace;
    private volatile IndexerResourceCache<FileConversion> primaryCache;
    /** Pooled mode: events that make the reconciler look at a resource again (queue changes, queued rows). */
    private volatile SimpleInboundEventSource<FileConversion> workEvents;
    private volatile OrphanedOutput orphanedOutput = (region, userId, fileId) -> { };

    /** Deletes a file's PDF if its row is gone (deleted) or CANCELLED: no such file owns a PDF. */
    @FunctionalInterface
    public interface OrphanedOutput {
        void discard(Region region, String userId, String fileId);
    }

    /**
     * Called when a FileConversion expires, long after its converter ended: a PDF its converter wrote after the file
     * was cancelled or deleted (a per-file Job's PUT racing its deletion; nothing reports back to discard it) goes.
     */
    public FileConversionReconciler withOrphanedOutputDiscard(OrphanedOutput discard) {
        this.orphanedOutput = discard;
        return this;
    }

    public FileConversionReconciler(ConverterJobFactory jobFactory, ConversionStatusSink sink, Duration finishedTtl,
                                    Clock clock) {
        this(jobFactory, sink, finishedTtl, clock, null, null, null);
    }

    /**
     * @param pooled the converters' work queue; null runs one Job per FileConversion
     * @param files  the rows of pooled files (size, owner, status); unused without {@code pooled}
     */
    public FileConversionReconciler(ConverterJobFactory jobFactory, ConversionStatusSink sink, Duration finishedTtl,
                                    Clock clock, PooledWork pooled, FileLookup files, String namespace) {
        this.namespace = namespace;
        this.jobFactory = jobFactory;
        this.sink = sink;
        this.finishedTtl = finishedTtl;
        this.clock = clock;
        this.pooled = pooled;
        this.files = files;
    }

    /** Whether a FileConversion of that name is in the informer cache (true until the cache exists). */
    /**
     * FileConversions in the informer's cache: the objects of this kind that etcd holds (alive and within their
     * finished TTL), 0 before the controller starts (a standby replica). For the capacity gauge.
     */
    public long resourcesInCache() {
        IndexerResourceCache<FileConversion> cache = primaryCache;
        return cache == null ? 0 : cache.keys().count();
    }

    public boolean exists(String name) {
        IndexerResourceCache<FileConversion> cache = primaryCache;
        return cache == null || cache.contains(new ResourceID(name, namespace));
    }

    /**
     * Pooled mode: the dispatcher of this process committed the row of resource {@code name} to QUEUED, so a
     * reconcile that found it UPLOADED need not wait for its re-check. A no-op before the event sources start (on a
     * replica that does not lead, the leader's re-check finds the row).
     */
    public void rowQueued(String name) {
        SimpleInboundEventSource<FileConversion> work = workEvents;
        if (work != null) {
            work.propagateEvent(new ResourceID(name, namespace));
        }
    }

    @Override
    public List<EventSource<?, FileConversion>> prepareEventSources(EventSourceContext<FileConversion> context) {
        // Jobs map back to their FileConversion through the owner reference (the default mapper).
        var jobs = InformerEventSourceConfiguration.from(Job.class, FileConversion.class)
                .withNamespacesInheritedFromController()
                .withLabelSelector(Labels.NAME + "=" + Labels.CONVERTER)
                .build();
        primaryCache = context.getPrimaryCache();
        if (pooled == null) {
            return List.of(new InformerEventSource<>(jobs, context));
        }
        // Pooled mode: the work queue announces leases and outcomes; the reconciler writes them to the status.
        SimpleInboundEventSource<FileConversion> work = new SimpleInboundEventSource<>("converter-work");
        pooled.queue().onChange(key -> work.propagateEvent(new ResourceID(key, namespace)));
        workEvents = work;
        return List.of(new InformerEventSource<>(jobs, context), work);
    }

    private static LogContext logContext(FileConversion fc) {
        FileConversionSpec spec = fc.getSpec();
        Region region;
        try {
            region = Region.fromCode(spec.getRegion());
        } catch (RuntimeException e) {
            region = null;
        }
        return LogContext.forFile(spec.getFileId(), spec.getUserId(), region, spec.getAttempt(), spec.getRequestId());
    }

    @Override
    public UpdateControl<FileConversion> reconcile(FileConversion fc, Context<FileConversion> context)
            throws Exception {
        if (fc.getStatus() == null) {
            fc.setStatus(new FileConversionStatus());
        }
        String before = Serialization.asJson(fc.getStatus());
        UpdateControl<FileConversion> control;
        // The request id travels upload row -> change event -> spec.requestId, so this line greps with the API's.
        try (LogContext ignored = logContext(fc)) {
            control = decide(fc, context);
        }
        if (control.isPatchStatus() && before.equals(Serialization.asJson(fc.getStatus()))) {
            // Nothing changed (e.g. a Job event that did not move the phase): spare the API server a write.
            UpdateControl<FileConversion> unchanged = UpdateControl.noUpdate();
            control.getScheduleDelay().ifPresent(unchanged::rescheduleAfter);
            return unchanged;
        }
        return control;
    }

    private UpdateControl<FileConversion> decide(FileConversion fc, Context<FileConversion> context)
            throws Exception {
        FileConversionStatus status = fc.getStatus();
        if (status.getPhase() != null && status.getPhase().isFinished()) {
            if (pooled != null) {
                pooled.queue().forget(fc.getMetadata().getName());
            }
            return expireWhenDue(fc, context.getClient());
        }
        if (pooled != null) {
            return decidePooled(fc, context.getClient());
        }
        KubernetesClient client = context.getClient();
        Optional<Job> job = currentJob(fc, context);
        if (fc.getSpec().isCancel()) {
            return cancel(fc, job, client);
        }
        if (job.isEmpty()) {
            if (status.getJobName() != null) {
                return finish(fc, FileConversionPhase.Failed, FailureClass.INTERNAL,
                        "Job " + status.getJobName() + " was deleted before its outcome was recorded", null, null);
            }
            return createJob(fc, client);
        }
        return follow(fc, job.get(), new ConverterRunInspector(client).inspect(job.get()));
    }

    /**
     * Pooled mode: the file waits in the work queue, a converter pod holds its lease, or its outcome was recorded.
     * A file this leader does not know yet is looked up in its row (the truth about what happened to it) and
     * queued, or its resource finished from the row; a lease a previous leader handed out is taken over.
     */
    private UpdateControl<FileConversion> decidePooled(FileConversion fc, KubernetesClient client) throws Exception {
        String key = fc.getMetadata().getName();
        WorkQueue queue = pooled.queue();
        FileConversionStatus status = fc.getStatus();
        if (fc.getSpec().isCancel()) {
            queue.cancel(key).ifPresent(l -> LOG.info("file {}: cancelled; lease of pod {} (Job {}) revoked",
                    fc.getSpec().getFileId(), l.podName(), l.jobName()));
            return cancel(fc, Optional.empty(), client);
        }
        Optional<Settled> settled = queue.settled(key);
        if (settled.isPresent()) {
            Settled s = settled.get();
            queue.forget(key);
            status.setJobName(s.jobName());
            status.setPodName(s.podName());
            status.setLeaseId(null);
            return finish(fc, s.converted() ? FileConversionPhase.Succeeded : FileConversionPhase.Failed,
                    s.failureClass(), s.message(), s.started(), s.finished());
        }
        Optional<Lease> lease = queue.leaseOf(key);
        if (lease.isPresent()) {
            return running(fc, lease.get());
        }
        Optional<WorkRequest> waiting = queue.waiting(key);
        if (waiting.isPresent()) {
            return pending(fc, waiting.get().leaseLosses(), "waiting for a converter");
        }
        FileConversionSpec spec = fc.getSpec();
        ConversionAttempt attempt = attemptOf(spec);
        FileRecord row = files.find(attempt.region(), spec.getFileId()).orElse(null);
        if (row == null) {
            return finish(fc, FileConversionPhase.Failed, FailureClass.INTERNAL, "the file has no row", null, null);
        }
        if (row.attempts() != spec.getAttempt()) {
            return finish(fc, FileConversionPhase.Failed, FailureClass.INTERNAL, "the file's row is at attempt "
                    + row.attempts() + ", this resource is attempt " + spec.getAttempt(), null, null);
        }
        int losses = status.getLeaseLosses() == null ? 0 : status.getLeaseLosses();
        switch (row.status()) {
            case UPLOADED -> {
                // The dispatcher created the resource and has not committed UPLOADED -> QUEUED yet (or crashed
                // and will replay): converting now would race the row.
                // The dispatcher of this process announces its commit (rowQueued); this re-check is for the others.
                return pending(fc, losses, "waiting for the dispatcher to queue the file")
                        .rescheduleAfter(UPLOADED_RECHECK);
            }
            case QUEUED, CONVERTING -> {
                WorkRequest r = WorkRequest.of(key, row, losses);
                if (status.getPhase() == FileConversionPhase.Running && status.getLeaseId() != null
                        && queue.adopt(status.getLeaseId(), r, status.getJobName(), status.getPodName(),
                        status.getStartTime() == null ? now() : Instant.parse(status.getStartTime()))) {
                    LOG.info("file {}: took over the lease of pod {} (Job {}) from the previous leader",
                            row.id(), status.getPodName(), status.getJobName());
                    return running(fc, queue.leaseOf(key).orElseThrow());
                }
                queue.offer(r);
                return pending(fc, losses, "waiting for a converter");
            }
            case CONVERTED -> {
                return finish(fc, FileConversionPhase.Succeeded, null, "PDF written (recorded before)", null,
                        row.finishedAt());
            }
            case FAILED -> {
                return finish(fc, FileConversionPhase.Failed, row.failureClass(), row.failureReason(), null,
                        row.finishedAt());
            }
            default -> {
                return cancel(fc, Optional.empty(), client);
            }
        }
    }

    private UpdateControl<FileConversion> running(FileConversion fc, Lease lease) {
        FileConversionStatus status = fc.getStatus();
        String message = "converting in pod " + lease.podName() + " of Job " + lease.jobName();
        status.setPhase(FileConversionPhase.Running);
        status.setJobName(lease.jobName());
        status.setPodName(lease.podName());
        status.setLeaseId(lease.id());
        status.setLeaseLosses(lease.request().leaseLosses() == 0 ? null : lease.request().leaseLosses());
        status.setStartTime(timestamp(lease.started()));
        status.setMessage(message);
        StatusConditions.set(status.getConditions(), StatusConditions.RUNNING, true, "Leased", message,
                generation(fc), now());
        return patch(fc);
    }

    private UpdateControl<FileConversion> pending(FileConversion fc, int losses, String message) {
        FileConversionStatus status = fc.getStatus();
        status.setPhase(FileConversionPhase.Pending);
        status.setLeaseId(null);
        status.setLeaseLosses(losses == 0 ? null : losses);
        status.setMessage(losses == 0 ? message : message + " (converter pods lost so far: " + losses + ")");
        if (status.getJobName() != null) {
            StatusConditions.set(status.getConditions(), StatusConditions.RUNNING, false, "LeaseLost",
                    status.getMessage(), generation(fc), now());
        }
        return patch(fc);
    }

    /** The informer cache may not hold a Job this operator created a moment ago, so ask the API server too. */
    private Optional<Job> currentJob(FileConversion fc, Context<FileConversion> context) {
        return context.getSecondaryResource(Job.class).or(() -> Optional.ofNullable(
                context.getClient().batch().v1().jobs().inNamespace(fc.getMetadata().getNamespace())
                        .withName(ConverterJobFactory.jobName(fc)).get()));
    }

    private UpdateControl<FileConversion> createJob(FileConversion fc, KubernetesClient client) {
        Job job = jobFactory.build(fc);
        try {
            client.batch().v1().jobs().inNamespace(job.getMetadata().getNamespace()).resource(job).create();
            LOG.info("file {}: created Job {}", fc.getSpec().getFileId(), job.getMetadata().getName());
        } catch (KubernetesClientException e) {
            if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
                throw e;
            }
        }
        FileConversionStatus status = fc.getStatus();
        status.setPhase(FileConversionPhase.Pending);
        status.setJobName(job.getMetadata().getName());
        status.setMessage("Job created");
        StatusConditions.set(status.getConditions(), StatusConditions.JOB_CREATED, true, "Created",
                "Job " + job.getMetadata().getName() + " created", generation(fc), now());
        return patch(fc);
    }

    private UpdateControl<FileConversion> follow(FileConversion fc, Job job, ConverterRun run) throws Exception {
        ConversionAttempt attempt = attemptOf(fc.getSpec());
        FileConversionStatus status = fc.getStatus();
        if (status.getJobName() == null) {
            status.setJobName(job.getMetadata().getName());
        }
        switch (run.state()) {
            case WAITING -> {
                status.setPhase(FileConversionPhase.Pending);
                status.setMessage(run.message());
                return patch(fc);
            }
            case RUNNING -> {
                if (status.getPhase() != FileConversionPhase.Running) {
                    sink.converting(attempt);
                    LOG.info("file {}: converting (Job {})", attempt.fileId(), job.getMetadata().getName());
                }
                status.setPhase(FileConversionPhase.Running);
                status.setStartTime(timestamp(run.startTime() == null ? now() : run.startTime()));
                status.setMessage(run.message());
                StatusConditions.set(status.getConditions(), StatusConditions.RUNNING, true, "PodActive",
                        run.message(), generation(fc), now());
                return patch(fc);
            }
            case SUCCEEDED, FAILED -> {
                if (sink.awaitsDispatch(attempt)) {
                    // The row is still UPLOADED: recording the outcome now would apply to nothing and the file
                    // would stay behind. The dispatcher's commit (or its replay) comes; look again shortly.
                    status.setMessage("Job finished; waiting for the dispatcher to queue the file before recording"
                            + " the outcome");
                    return patch(fc).rescheduleAfter(Duration.ofSeconds(2));
                }
                return run.state() == ConverterRun.State.SUCCEEDED
                        ? finish(fc, FileConversionPhase.Succeeded, null, run.message(), run.startTime(),
                        run.finishTime())
                        : finish(fc, FileConversionPhase.Failed, run.failureClass(), run.message(), run.startTime(),
                        run.finishTime());
            }
            default -> throw new IllegalStateException("unknown run state " + run.state());
        }
    }

    /** Records a terminal outcome: the row first, then the status; the resource is deleted after the TTL. */
    private UpdateControl<FileConversion> finish(FileConversion fc, FileConversionPhase phase,
                                                 FailureClass failureClass, String message, Instant start,
                                                 Instant finish) throws Exception {
        ConversionAttempt attempt = attemptOf(fc.getSpec());
        FileConversionStatus status = fc.getStatus();
        Instant started = start != null ? start
                : status.getStartTime() != null ? Instant.parse(status.getStartTime()) : null;
        Instant finished = finish != null ? finish : now();
        Duration took = started == null ? Duration.ZERO : Duration.between(started, finished);
        boolean applied = switch (phase) {
            case Succeeded -> {
                // A Job can finish between two looks at it: claim first, CONVERTING is the only way to CONVERTED.
                sink.converting(attempt);
                yield sink.converted(attempt, took);
            }
            case Failed -> sink.failed(attempt, failureClass, message);
            default -> false;
        };
        LOG.info("file {}: {} ({}){}", attempt.fileId(), phase, message,
                applied ? "" : "; the row had already moved on, left as it is");
        status.setPhase(phase);
        status.setFailureClass(failureClass == null ? null : failureClass.name());
        status.setMessage(message);
        if (started != null) {
            status.setStartTime(timestamp(started));
        }
        status.setFinishTime(timestamp(finished));
        status.setDurationMillis(took.toMillis());
        status.setDuration(Durations.humanize(took));
        if (status.getJobName() != null) {
            StatusConditions.set(status.getConditions(), StatusConditions.RUNNING, false, phase.name(), message,
                    generation(fc), now());
        }
        StatusConditions.set(status.getConditions(), StatusConditions.FINISHED, true, phase.name(), message,
                generation(fc), now());
        return patch(fc).rescheduleAfter(finishedTtl);
    }

    private UpdateControl<FileConversion> cancel(FileConversion fc, Optional<Job> job, KubernetesClient client)
            throws Exception {
        if (job.isPresent()) {
            // Background: the Job goes now, the garbage collector then kills and removes its pod.
            client.batch().v1().jobs().inNamespace(fc.getMetadata().getNamespace())
                    .withName(job.get().getMetadata().getName())
                    .withPropagationPolicy(DeletionPropagation.BACKGROUND).delete();
            LOG.info("file {}: cancelled, deleted Job {}", fc.getSpec().getFileId(), job.get().getMetadata().getName());
        }
        // The row is already CANCELLED: the cancel flag is set from that change event. Nothing to write there.
        FileConversionStatus status = fc.getStatus();
        Instant finished = now();
        status.setPhase(FileConversionPhase.Cancelled);
        status.setMessage("cancelled by the user");
        status.setFinishTime(timestamp(finished));
        if (status.getStartTime() != null) {
            Duration took = Duration.between(Instant.parse(status.getStartTime()), finished);
            status.setDurationMillis(took.toMillis());
            status.setDuration(Durations.humanize(took));
        }
        StatusConditions.set(status.getConditions(), StatusConditions.FINISHED, true, "Cancelled",
                status.getMessage(), generation(fc), now());
        return patch(fc).rescheduleAfter(finishedTtl);
    }

    /** MySQL keeps the history; etcd keeps a finished FileConversion only for the TTL. */
    private UpdateControl<FileConversion> expireWhenDue(FileConversion fc, KubernetesClient client) {
        Instant finished = fc.getStatus().getFinishTime() == null ? now()
                : Instant.parse(fc.getStatus().getFinishTime());
        Duration left = Duration.between(now(), finished.plus(finishedTtl));
        if (!left.isNegative() && !left.isZero()) {
            return UpdateControl.<FileConversion>noUpdate().rescheduleAfter(left);
        }
        ConversionAttempt attempt = attemptOf(fc.getSpec());
        orphanedOutput.discard(attempt.region(), fc.getSpec().getUserId(), attempt.fileId());
        client.resource(fc).withPropagationPolicy(DeletionPropagation.BACKGROUND).delete();
        LOG.info("file {}: FileConversion {} deleted after its TTL", fc.getSpec().getFileId(),
                fc.getMetadata().getName());
        return UpdateControl.noUpdate();
    }

    private UpdateControl<FileConversion> patch(FileConversion fc) {
        fc.getStatus().setObservedGeneration(generation(fc));
        return UpdateControl.patchStatus(fc);
    }

    private static Long generation(FileConversion fc) {
        return fc.getMetadata().getGeneration();
    }

    private Instant now() {
        return clock.instant();
    }

    private static String timestamp(Instant instant) {
        return instant.truncatedTo(ChronoUnit.SECONDS).toString();
    }

    /** The (region, file, attempt) a FileConversion stands for. */
    static ConversionAttempt attemptOf(FileConversionSpec spec) {
        return new ConversionAttempt(Region.fromCode(spec.getRegion()), spec.getFileId(), spec.getAttempt());
    }
}
