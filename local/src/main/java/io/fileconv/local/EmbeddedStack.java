package io.fileconv.local;

import io.fileconv.core.Closer;
import io.fileconv.core.Env;
import io.fileconv.core.FileRepository;
import io.fileconv.core.ObjectStore;
import io.fileconv.core.Region;
import io.fileconv.core.metrics.FileconvMetrics;
import io.fileconv.pipeline.dispatch.Dispatcher;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The whole pipeline on one machine over loopback, with real components: {@link EmbeddedInfra} (MariaDB with a
 * ROW binlog, S3Proxy, a KRaft Kafka broker, Debezium per region), a {@link WorkerNode} (dispatcher + the pooled
 * converters' work queue and workers on warm LibreOffice processes, in-process) and an {@link ApiNode} (API + web
 * page). Only the launcher and the transport to the workers differ from a Kubernetes deployment; the worker and the API get the same FILECONV_* settings as the deployables.
 */
public final class EmbeddedStack implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedStack.class);
    public static final List<Region> REGIONS = EmbeddedInfra.REGIONS;

    private final StackOptions options;
    private final Closer parts = new Closer("embedded stack");
    private EmbeddedInfra infra;
    private WorkerNode worker;
    private ApiNode api;
    private ObjectStore objectStore;
    private volatile boolean ready;
    /** One registry for API and worker: the API's /metrics shows the whole in-process pipeline. */
    private final PrometheusMeterRegistry metrics = FileconvMetrics.create("fileconv-local");

    private EmbeddedStack(StackOptions options) {
        this.options = options;
    }

    public static EmbeddedStack start(StackOptions options) throws Exception {
        EmbeddedStack stack = new EmbeddedStack(options);
        try {
            stack.boot();
            return stack;
        } catch (Exception | Error e) {
            stack.close();
            throw e;
        }
    }

    private void boot() throws Exception {
        long t0 = System.nanoTime();
        Path data = Files.createDirectories(options.dataDir().toAbsolutePath());
        infra = parts.push(EmbeddedInfra.start(data));
        Env env = infra.endpoints().env().with(options.env());
        objectStore = parts.push(new ObjectStore(infra.objectStoreConfig()));
        worker = parts.push(WorkerNode.start(env, data, options.officeProcesses(), options.taskTimeout(), metrics));
        api = parts.push(ApiNode.start(env, data, options.apiPort(), options.maxUploadBytes(), () -> ready, metrics));
        ready = true;
        LOG.info("fileconv embedded stack ready in {} s: {}", (System.nanoTime() - t0) / 1_000_000_000.0, baseUrl());
    }

    public String baseUrl() {
        return "http://localhost:" + api.port();
    }

    public FileRepository files(Region region) {
        return worker.files(region);
    }

    public WorkerNode worker() {
        return worker;
    }

    public ObjectStore objectStore() {
        return objectStore;
    }

    public QueuedLauncher launcher() {
        return worker.launcher();
    }

    public Dispatcher dispatcher() {
        return worker.dispatcher();
    }

    public ConversionLog conversionLog() {
        return worker.conversionLog();
    }

    public EmbeddedInfra infra() {
        return infra;
    }

    /** JDBC base URL of the embedded MariaDB (append a schema name). */
    public String jdbcBase() {
        return infra.jdbcBase();
    }

    public StackOptions options() {
        return options;
    }

    /** Stops in reverse order of start: API first (no new uploads), infrastructure last. */
    @Override
    public void close() {
        ready = false;
        parts.close();
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
