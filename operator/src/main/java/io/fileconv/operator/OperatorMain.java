package io.fileconv.operator;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fileconv.core.Closer;
import io.fileconv.core.Env;
import io.fileconv.core.FileRepository;
import io.fileconv.core.ObjectStore;
import io.fileconv.core.ObjectStoreConfig;
import io.fileconv.core.Region;
import io.fileconv.core.RegionDatabases;
import io.fileconv.core.UserDirectory;
import io.fileconv.core.metrics.FileconvMetrics;
import io.fileconv.core.metrics.MetricNames;
import io.fileconv.core.metrics.MigrationMetrics;
import io.fileconv.core.metrics.PipelineMetrics;
import io.fileconv.core.migration.RegionMove;
import io.fileconv.core.schema.SchemaGate;
import io.fileconv.core.work.PresignedLinks;
import io.fileconv.operator.dispatch.DispatcherCompanion;
import io.fileconv.operator.k8s.ApiServerRequests;
import io.fileconv.operator.k8s.FileconvOperator;
import io.fileconv.operator.k8s.KubernetesLauncher;
import io.fileconv.operator.k8s.OperatorEnvironment;
import io.fileconv.operator.k8s.OperatorSettings;
import io.fileconv.operator.k8s.reconciler.MigrationTargetSecrets;
import io.fileconv.operator.k8s.reconciler.MoveSides;
import io.fileconv.operator.k8s.reconciler.RegionMigrationReconciler;
import io.fileconv.operator.work.JobTokens;
import io.fileconv.pipeline.Upkeep;
import io.fileconv.pipeline.status.FileRepositoryStatusSink;
import io.fileconv.pipeline.work.FileLookup;
import io.fileconv.pipeline.work.PooledWork;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The operator process in a cluster: the FileConversion reconciler (leader-elected) plus its {@link Companion}s
 * (the dispatcher), sharing one Kubernetes client and one connection pool per region.
 */
public final class OperatorMain implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OperatorMain.class);

    private final Closer running = new Closer("operator");
    private final AtomicBoolean stopping = new AtomicBoolean();

    /** One registry for the process: reconciler, dispatcher and pools, served on /metrics. */
    private final PrometheusMeterRegistry metrics = FileconvMetrics.create("fileconv-operator");

    private volatile boolean started;
    private volatile HealthServer health;

    /** Components started beside the reconciler, on every replica (see DispatcherCompanion for why). */
    public static List<Companion> companions(Env env, MeterRegistry registry) {
        return List.of(new DispatcherCompanion(env, registry));
    }

    public static void main(String[] args) throws Exception {
        OperatorMain main = new OperatorMain();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            main.close();
            stopped.countDown();
        }, "fileconv-operator-shutdown"));
        try {
            KubernetesClient client = ApiServerRequests.counting(new KubernetesClientBuilder(), main.metrics).build();
            main.running.push(client);
            main.start(client, new OperatorEnvironment(System.getenv()), companions(Env.system(), main.metrics));
        } catch (Exception e) {
            LOG.error("operator failed to start", e);
            System.exit(1);
        }
        stopped.await();
    }

    /**
     * Starts everything on {@code client}; {@link #close()} stops it in reverse order. Blocks until the schemas are
     * usable (FILECONV_DB_MIGRATE): no reconciler and no Kafka consumer runs against an empty or old schema.
     */
    public void start(KubernetesClient client, OperatorEnvironment env, List<Companion> companions) throws Exception {
        start(client, env, companions, null);
    }

    /** @param gate null: the gate over this operator's schemas; tests of the wiring without a database pass one */
    void start(KubernetesClient client, OperatorEnvironment env, List<Companion> companions, SchemaGate gate)
            throws Exception {
        OperatorSettings settings = env.settings(client.getNamespace());
        Env common = env.common();
        RegionDatabases dbs = RegionDatabases.open(common, "operator", 4, 2, metrics, running);
        Map<Region, FileRepository> repositories = dbs.repositories();
        SchemaGate schemaGate = running.push(gate != null ? gate : new SchemaGate(common.migrateAtStart(),
                dbs.schemas()));

        // Before the wait, so the startup probe sees a live process; /readyz says 503 (with the schema gate's
        // reason while it is closed) until the end of start.
        health = new HealthServer(env.port(), () -> {
            String reason = schemaGate.reason();
            if (reason == null && !(started && !stopping.get())) {
                reason = "starting";
            }
            for (int i = 0; reason == null && i < companions.size(); i++) {
                reason = companions.get(i).notReadyReason();
            }
            return reason;
        }, metrics);
        running.push(health);
        if (!schemaGate.awaitOpen(() -> !stopping.get())) {
            return;
        }

        ObjectStore store = running.push(new ObjectStore(common.objectStore(), metrics));
        UserDirectory directory = dbs.users();
        MoveSides sides = running.push(new MoveSides(repositories, common::bucket,
                new MigrationTargetSecrets(client, settings.namespace())::find, metrics));
        RegionMigrationReconciler.RegionMoves moves = (migrationId, userId, from, to) -> new RegionMove(userId,
                migrationId, sides.from(from), sides.to(to), directory, store, RegionMove.Settings.from(common),
                Clock.systemUTC());
        FileRepositoryStatusSink sink = new FileRepositoryStatusSink(repositories, new PipelineMetrics(metrics));
        FileconvOperator operator = new FileconvOperator(client, settings, sink, new RegionMigrationReconciler(moves,
                new MigrationMetrics(metrics), Clock.systemUTC()), pooled(client, settings, common,
                env.converterS3Endpoint(), sink, repositories, store), this::lostLeadership);
        running.push(operator);
        Gauge.builder(MetricNames.FILECONVERSIONS.name(), operator, FileconvOperator::fileConversionsAlive)
                .description(MetricNames.FILECONVERSIONS.description()).register(metrics);
        operator.withOrphanedOutputDiscard((region, userId, fileId) -> {
            if (repositories.containsKey(region)) {
                PooledWork.deleteIfOrphaned(repositories.get(region), store, common.bucket(region), userId, fileId);
            }
        });
        KubernetesLauncher launcher = new KubernetesLauncher(client, settings.namespace())
                .onDispatched(operator::rowQueued);
        // Both converter modes: rows left QUEUED/CONVERTING without their FileConversion (nor, pooled, a place in
        // the queue) are driven on.
        Upkeep.create(common, repositories, directory, store, launcher, r -> operator.holds(r) || launcher.exists(r),
                metrics).tasks()
                .forEach(operator::whileLeading);
        operator.start();

        for (Companion companion : companions) {
            running.push(companion.start(launcher, repositories));
        }
        started = true;
        LOG.info("operator started in namespace {} for regions {} (leader election {})", settings.namespace(),
                repositories.keySet(), settings.leaderElection() == null ? "off" : "on");
    }

    /** Pooled mode's work queue (null in perFile mode): links signed with this operator's S3 credentials. */
    private FileconvOperator.Pooled pooled(KubernetesClient client, OperatorSettings settings, Env common,
                                           String podEndpoint, FileRepositoryStatusSink sink,
                                           Map<Region, FileRepository> repositories, ObjectStore store) {
        if (settings.pool() == null) {
            return null;
        }
        ObjectStoreConfig s3 = common.objectStore();
        // Converter pods may reach the object store under another address than the operator (the host is signed).
        PresignedLinks links = running.push(new PresignedLinks(podEndpoint == null ? s3 : new ObjectStoreConfig(
                URI.create(podEndpoint), s3.signingRegion(), s3.accessKey(), s3.secretKey(), s3.pathStyle())));
        PooledWork work = PooledWork.forRegions(settings.pool(), settings.job().conversionTimeout(), sink, links,
                repositories, common::bucket, store, metrics);
        return new FileconvOperator.Pooled(work, new JobTokens(client, settings.namespace(), Clock.systemUTC()),
                FileLookup.of(repositories), repositories.keySet());
    }

    /** Port of /healthz and /readyz (FILECONV_PORT=0 in tests: any free port); 0 before start has bound it. */
    public int healthPort() {
        HealthServer h = health;
        return h == null ? 0 : h.port();
    }

    /** Another replica took the Lease: stop now, or two replicas would reconcile. Kubernetes restarts the pod. */
    private void lostLeadership() {
        if (!stopping.get()) {
            LOG.error("lost leadership; exiting so that only the new leader reconciles");
            new Thread(() -> System.exit(1), "fileconv-operator-exit").start();
        }
    }

    @Override
    public void close() {
        stopping.set(true);
        running.close();
    }
}
