package io.fileconv.local;

import com.zaxxer.hikari.HikariDataSource;
import io.fileconv.core.ConsumerOffsetStore;
import io.fileconv.core.Databases;
import io.fileconv.core.Env;
import io.fileconv.core.FileRepository;
import io.fileconv.core.KafkaClientSettings;
import io.fileconv.core.ObjectStore;
import io.fileconv.core.Region;
import io.fileconv.core.UserDirectory;
import io.fileconv.core.deletion.FileEraser;
import io.fileconv.core.metrics.DeletionMetrics;
import io.fileconv.core.metrics.FileconvMetrics;
import io.fileconv.core.metrics.PipelineMetrics;
import io.fileconv.core.metrics.RecoveryMetrics;
import io.fileconv.core.metrics.WebhookMetrics;
import io.fileconv.core.schema.SchemaGate;
import io.fileconv.core.schema.SchemaKind;
import io.fileconv.core.schema.SchemaTarget;
import io.fileconv.core.webhook.WebhookAddressPolicy;
import io.fileconv.core.work.PresignedLinks;
import io.fileconv.operator.dispatch.Dispatcher;
import io.fileconv.operator.dispatch.RegionContext;
import io.fileconv.operator.k8s.OperatorEnvironment;
import io.fileconv.operator.k8s.reconciler.FileRepositoryStatusSink;
import io.fileconv.operator.retention.RetentionSweep;
import io.fileconv.operator.sweep.ConversionSweeper;
import io.fileconv.operator.webhook.WebhookDeliverer;
import io.fileconv.operator.work.PoolSettings;
import io.fileconv.operator.work.PooledWork;
import io.fileconv.operator.work.WorkQueue;
import io.micrometer.core.instrument.MeterRegistry;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The pipeline half that the operator runs in a cluster — the dispatcher — plus, in place of Jobs, the converter
 * on warm office processes, fed by the operator's work queue in-process (QueuedLauncher, EmbeddedConverters). Configured with the same FILECONV_* settings as the deployables, so it
 * runs in the embedded stack's JVM or as its own process (`FileconvMain worker`).
 */
public final class WorkerNode implements AutoCloseable {
    private final Deque<AutoCloseable> toClose = new ArrayDeque<>();
    private final Map<Region, FileRepository> repositories = new EnumMap<>(Region.class);
    private QueuedLauncher launcher;
    private Dispatcher dispatcher;
    private ConversionLog conversionLog;
    private RetentionSweep retention;
    private WebhookDeliverer webhooks;

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
        List<SchemaTarget> schemas = new java.util.ArrayList<>();
        for (Region r : regions) {
            HikariDataSource ds = push(Databases.pool(env.regionalDatabase(), r.database(), 6, metrics,
                    "worker-" + r.database()));
            repositories.put(r, new FileRepository(r, ds));
            schemas.add(new SchemaTarget(r.database(), SchemaKind.REGION, ds));
        }
        // As the operator does: no consumer and no resumed work before the schemas are what this code needs.
        try (SchemaGate gate = new SchemaGate(env.migrateAtStart(), schemas)) {
            gate.awaitOpen(() -> true);
        }
        conversionLog = new ConversionLog(workDir.resolve("conversions.log"));
        Map<Region, String> buckets = new EnumMap<>(Region.class);
        regions.forEach(r -> buckets.put(r, env.bucket(r)));
        // The cluster's pooled path in one process: the operator's work queue, recording outcomes through the
        // operator's status sink, fed by the dispatcher through QueuedLauncher and drained by the converter pods'
        // worker code; links are presigned with the stack's S3 credentials as the operator's are.
        PoolSettings pool = embeddedPool(env, officeProcesses);
        PresignedLinks links = push(new PresignedLinks(env.objectStore()));
        ObjectStore store = push(new ObjectStore(env.objectStore(), metrics)); // deletes a cancelled file's late PDF
        PooledWork work = new PooledWork(new WorkQueue(pool, Clock.systemUTC()),
                new FileRepositoryStatusSink(repositories, new PipelineMetrics(metrics)), links,
                PooledWork.buckets(buckets), pool, taskTimeout, Clock.systemUTC()).withMetrics(metrics, regions)
                .withOutputDiscard(r -> PooledWork.deleteUnlessConverted(repositories.get(r.region()), store,
                        buckets.get(r.region()), r))
                .withPasswords(r -> repositories.get(r.region()).password(r.fileId()));
        launcher = push(new QueuedLauncher(work, repositories));
        launcher.resumeInterrupted();
        push(new EmbeddedConverters(work, regions, officeProcesses, taskTimeout, workDir, conversionLog));
        ConversionSweeper sweeper = push(new ConversionSweeper(repositories, buckets::get, launcher,
                launcher::holds, new OperatorEnvironment(env.vars()).sweeper(), new RecoveryMetrics(metrics)));
        sweeper.start();
        // The leader's retention job of a cluster; the embedded stack has one worker, so it always runs here.
        HikariDataSource directoryDs = push(Databases.pool(env.directoryDatabase(), Databases.DIRECTORY, 2, metrics,
                "worker-directory"));
        retention = push(new RetentionSweep(repositories, buckets::get, new UserDirectory(directoryDs),
                new FileEraser(store, new DeletionMetrics(metrics).withRegions(regions)),
                new OperatorEnvironment(env.vars()).retention()));
        retention.start();
        // The operator leader's webhook deliverer; one worker here, so it always runs.
        webhooks = push(new WebhookDeliverer(repositories, WebhookAddressPolicy.from(env),
                WebhookDeliverer.Settings.from(env), new WebhookMetrics(metrics), Clock.systemUTC()));
        webhooks.start();
        List<RegionContext> contexts = regions.stream().map(r -> new RegionContext(r, repositories.get(r),
                new ConsumerOffsetStore(repositories.get(r).dataSource()), env.bucket(r))).toList();
        dispatcher = push(new Dispatcher(kafka, Dispatcher.GROUP, contexts, launcher, metrics));
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

    private <T extends AutoCloseable> T push(T c) {
        toClose.push(c);
        return c;
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

    /** The retention job (its timer runs only with FILECONV_RETENTION_DAYS set); tests call its pass directly. */
    /** The webhook deliverer (tests stop and start it as a restart would). */
    public WebhookDeliverer webhooks() {
        return webhooks;
    }

    public RetentionSweep retention() {
        return retention;
    }

    public ConversionLog conversionLog() {
        return conversionLog;
    }

    /** Dispatcher first (no new launches), then the converters finish the documents in hand. */
    @Override
    public void close() {
        while (!toClose.isEmpty()) {
            AutoCloseable c = toClose.pop();
            try {
                c.close();
            } catch (Exception | Error e) {
                org.slf4j.LoggerFactory.getLogger(WorkerNode.class).warn("stopping {} failed: {}",
                        c.getClass().getSimpleName(), e.toString());
            }
        }
    }
}
