package io.fileconv.local;

import io.fileconv.core.Closer;
import io.fileconv.core.Env;
import io.fileconv.core.FileRepository;
import io.fileconv.core.KafkaClientSettings;
import io.fileconv.core.ObjectStore;
import io.fileconv.core.Region;
import io.fileconv.core.RegionDatabases;
import io.fileconv.core.metrics.FileconvMetrics;
import io.fileconv.core.metrics.PipelineMetrics;
import io.fileconv.core.schema.SchemaGate;
import io.fileconv.core.work.PresignedLinks;
import io.fileconv.pipeline.LeaderTask;
import io.fileconv.pipeline.Upkeep;
import io.fileconv.pipeline.dispatch.Dispatcher;
import io.fileconv.pipeline.retention.RetentionSweep;
import io.fileconv.pipeline.status.FileRepositoryStatusSink;
import io.fileconv.pipeline.webhook.WebhookDeliverer;
import io.fileconv.pipeline.work.PoolSettings;
import io.fileconv.pipeline.work.PooledWork;
import io.micrometer.core.instrument.MeterRegistry;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The pipeline half that the operator runs in a cluster — the dispatcher — plus, in place of Jobs, the converter
 * on warm office processes, fed by the operator's work queue in-process (QueuedLauncher, EmbeddedConverters). Configured with the same FILECONV_* settings as the deployables, so it
 * runs in the embedded stack's JVM or as its own process (`FileconvMain worker`).
 */
public final class WorkerNode implements AutoCloseable {
    private final Closer parts = new Closer("worker");
    private Map<Region, FileRepository> repositories;
    private QueuedLauncher launcher;
    private Dispatcher dispatcher;
    private ConversionLog conversionLog;
    private Upkeep upkeep;

    public static WorkerNode start(Env env, Path workDir, int officeProcesses, Duration taskTimeout) throws Exception {
        return start(env, workDir, officeProcesses, taskTimeout, FileconvMetrics.create("fileconv-worker"));
    }

    public static WorkerNode start(Env env, Path workDir, int officeProcesses, Duration taskTimeout,
                                   MeterRegistry metrics) throws Exception {
        WorkerNode node = new WorkerNode();
        try {
            node.boot(env, workDir, officeProcesses, taskTimeout, metrics);
            return node;
        } catch (Exception | Error e) {
            node.close();
            throw e;
        }
    }

    private void boot(Env env, Path workDir, int officeProcesses, Duration taskTimeout, MeterRegistry metrics)
            throws Exception {
        List<Region> regions = env.regions();
        KafkaClientSettings kafka = KafkaClientSettings.from(env);
        RegionDatabases dbs = RegionDatabases.open(env, "worker", 6, 2, metrics, parts);
        repositories = dbs.repositories();
        // As the operator does: no consumer and no resumed work before the schemas are what this code needs.
        try (SchemaGate gate = new SchemaGate(env.migrateAtStart(), dbs.schemas())) {
            gate.awaitOpen(() -> true);
        }
        conversionLog = new ConversionLog(workDir.resolve("conversions.log"));
        // The cluster's pooled path in one process: the operator's work queue, recording outcomes through the
        // operator's status sink, fed by the dispatcher through QueuedLauncher and drained by the converter pods'
        // worker code; links are presigned with the stack's S3 credentials as the operator's are.
        PresignedLinks links = parts.push(new PresignedLinks(env.objectStore()));
        ObjectStore store = parts.push(new ObjectStore(env.objectStore(), metrics)); // deletes a cancelled file's late PDF
        PooledWork work = PooledWork.forRegions(embeddedPool(env, officeProcesses), taskTimeout,
                new FileRepositoryStatusSink(repositories, new PipelineMetrics(metrics)), links, repositories,
                env::bucket, store, metrics);
        launcher = parts.push(new QueuedLauncher(work, repositories));
        launcher.resumeInterrupted();
        parts.push(new EmbeddedConverters(work, regions, officeProcesses, taskTimeout, workDir, conversionLog));
        // The operator leader's passes; the embedded stack has one worker, so they always run here.
        upkeep = Upkeep.create(env, repositories, dbs.users(), store, launcher, launcher::holds, metrics);
        for (LeaderTask task : upkeep.tasks()) {
            parts.push(task).start();
        }
        dispatcher = parts.push(Dispatcher.forRegions(env, kafka, repositories, launcher, metrics));
        dispatcher.start();
    }

    /**
     * The queue's settings in one process: every office process is a "Job" of the pool; a lease is renewed every
     * few seconds (the worker learns of a cancel at its next heartbeat); the lane of large inputs as configured.
     */
    private static PoolSettings embeddedPool(Env env, int officeProcesses) {
        return new PoolSettings(0, null, Duration.ofSeconds(5), 0, officeProcesses, Duration.ofDays(365), 3,
                env.getLong("FILECONV_WORK_LARGE_BYTES", 10L << 20), Duration.ofDays(365), null, null, null, 0);
    }

    public FileRepository files(Region region) {
        return repositories.get(region);
    }

    public QueuedLauncher launcher() {
        return launcher;
    }

    public Dispatcher dispatcher() {
        return dispatcher;
    }

    /** The webhook deliverer (tests stop and start it as a restart would). */
    public WebhookDeliverer webhooks() {
        return upkeep.webhooks();
    }

    /** The retention job (its timer runs only with FILECONV_RETENTION_DAYS set); tests call its pass directly. */
    public RetentionSweep retention() {
        return upkeep.retention();
    }

    public ConversionLog conversionLog() {
        return conversionLog;
    }

    /** Dispatcher first (no new launches), then the converters finish the documents in hand. */
    @Override
    public void close() {
        parts.close();
    }
}
