package io.fileconv.local;

import io.fileconv.core.FreePorts;
import com.zaxxer.hikari.HikariDataSource;
import io.fileconv.converter.OfficePoolConfig;
import io.fileconv.core.ConsumerOffsetStore;
import io.fileconv.core.Databases;
import io.fileconv.core.Env;
import io.fileconv.core.FileRepository;
import io.fileconv.core.KafkaClientSettings;
import io.fileconv.core.schema.SchemaGate;
import io.fileconv.core.schema.SchemaKind;
import io.fileconv.core.schema.SchemaTarget;
import io.fileconv.core.ObjectStore;
import io.fileconv.core.Region;
import io.fileconv.core.metrics.FileconvMetrics;
import io.fileconv.core.metrics.PipelineMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.fileconv.operator.dispatch.Dispatcher;
import io.fileconv.operator.dispatch.RegionContext;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The pipeline half that the operator runs in a cluster — the dispatcher — plus, in place of Jobs, the converter
 * on a warm office pool (LocalLauncher). Configured with the same FILECONV_* settings as the deployables, so it
 * runs in the embedded stack's JVM or as its own process (`FileconvMain worker`).
 */
public final class WorkerNode implements AutoCloseable {
    private final Deque<AutoCloseable> toClose = new ArrayDeque<>();
    private final Map<Region, FileRepository> repositories = new EnumMap<>(Region.class);
    private LocalLauncher launcher;
    private Dispatcher dispatcher;
    private ConversionLog conversionLog;

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
        ObjectStore store = push(new ObjectStore(env.objectStore(), metrics));
        conversionLog = new ConversionLog(workDir.resolve("conversions.log"));
        // One single-process pool per worker thread: cancelling a running conversion kills exactly its process.
        List<ConverterSlot> slots = new java.util.ArrayList<>();
        List<java.util.concurrent.CompletableFuture<ConverterSlot>> starting = new java.util.ArrayList<>();
        for (int i = 0; i < officeProcesses; i++) {
            OfficePoolConfig cfg = new OfficePoolConfig(FreePorts.take(1), 200, taskTimeout,
                    workDir.resolve("office").resolve("p" + i));
            // soffice takes ~5 s to come up: start the processes side by side.
            starting.add(java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    return new ConverterSlot(cfg, store, workDir.resolve("scratch"));
                } catch (Exception e) {
                    throw new java.util.concurrent.CompletionException(e);
                }
            }));
        }
        for (var f : starting) {
            slots.add(push(f.join()));
        }
        launcher = push(new LocalLauncher(repositories, slots, store, conversionLog, new PipelineMetrics(metrics)));
        regions.forEach(r -> launcher.withBucket(r, env.bucket(r)));
        launcher.resumeInterrupted();
        List<RegionContext> contexts = regions.stream().map(r -> new RegionContext(r, repositories.get(r),
                new ConsumerOffsetStore(repositories.get(r).dataSource()), env.bucket(r))).toList();
        dispatcher = push(new Dispatcher(kafka, Dispatcher.GROUP, contexts, launcher, metrics));
        dispatcher.start();
    }

    private <T extends AutoCloseable> T push(T c) {
        toClose.push(c);
        return c;
    }

    public FileRepository files(Region region) {
        return repositories.get(region);
    }

    public LocalLauncher launcher() {
        return launcher;
    }

    public Dispatcher dispatcher() {
        return dispatcher;
    }

    public ConversionLog conversionLog() {
        return conversionLog;
    }

    /** Dispatcher first (no new launches), then the launcher lets running conversions finish. */
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
