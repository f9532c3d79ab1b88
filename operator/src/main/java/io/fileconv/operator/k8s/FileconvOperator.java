package io.fileconv.operator.k8s;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fileconv.core.ConversionRequest;
import io.fileconv.core.FileRecord;
import io.fileconv.core.Region;
import io.fileconv.operator.k8s.crd.FileConversion;
import io.fileconv.operator.k8s.job.ConverterJobFactory;
import io.fileconv.operator.k8s.job.PooledJobFactory;
import io.fileconv.operator.k8s.reconciler.FileConversionReconciler;
import io.fileconv.operator.k8s.reconciler.RegionMigrationReconciler;
import io.fileconv.operator.work.ConverterPool;
import io.fileconv.operator.work.JobTokens;
import io.fileconv.operator.work.WorkEndpoint;
import io.fileconv.operator.work.WorkLeader;
import io.fileconv.pipeline.LeaderTask;
import io.fileconv.pipeline.status.ConversionStatusSink;
import io.fileconv.pipeline.work.FileLookup;
import io.fileconv.pipeline.work.PooledWork;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfigurationBuilder;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The JOSDK operator with the FileConversion and RegionMigration controllers, configured for plain (non server-side-apply) patches
 * so that it runs against any API server, including fabric8's mock. With leader election only the replica that
 * holds the Lease reconciles; one that loses it calls {@code onLostLeadership}, which must end the process
 * (JOSDK keeps reconciling otherwise).
 */
public class FileconvOperator implements AutoCloseable {
    private final FileConversionReconciler conversions;
    private final Pooled pooled;
    /** System property: false keeps the JVM alive when an informer stops (tests only). */
    public static final String EXIT_ON_INFORMER_ERROR = "fileconv.operator.exitOnInformerError";

    private final Operator operator;
    /** Pooled mode only (null otherwise): the work endpoint on every replica, the pool on the leader. */
    private final WorkEndpoint endpoint;
    private final WorkLeader workLeader;
    private final boolean electsLeader;
    private final List<LeaderTask> leaderTasks = new CopyOnWriteArrayList<>();
    private volatile boolean leading;

    public FileconvOperator(KubernetesClient client, OperatorSettings settings, ConversionStatusSink sink,
                            Runnable onLostLeadership) {
        this(client, settings, sink, null, onLostLeadership);
    }

    /** @param migrations the RegionMigration controller; null runs without it */
    public FileconvOperator(KubernetesClient client, OperatorSettings settings, ConversionStatusSink sink,
                            RegionMigrationReconciler migrations, Runnable onLostLeadership) {
        this(client, settings, sink, migrations, null, onLostLeadership);
    }

    /**
     * @param pooled the converters' work queue, required when {@code settings.pool()} is set (pooled mode)
     */
    public FileconvOperator(KubernetesClient client, OperatorSettings settings, ConversionStatusSink sink,
                            RegionMigrationReconciler migrations, Pooled pooled, Runnable onLostLeadership) {
        if (settings.pool() != null && pooled == null) {
            throw new IllegalArgumentException("pooled converter mode needs the work queue (or"
                    + " FILECONV_CONVERTER_MODE=perFile)");
        }
        this.electsLeader = settings.leaderElection() != null;
        this.operator = new Operator(o -> {
            o.withKubernetesClient(client)
                    .withCloseClientOnStop(false)
                    .withUseSSAToPatchPrimaryResource(false)
                    .withSSABasedCreateUpdateMatchForDependentResources(false);
            if (!Boolean.parseBoolean(System.getProperty(EXIT_ON_INFORMER_ERROR, "true"))) {
                // JOSDK's default ends the JVM when an informer dies (right for a pod: Kubernetes restarts it). Tests
                // running many operators in one JVM against the mock server turn that into a logged stop instead.
                o.withInformerStoppedHandler((informer, ex) -> LoggerFactory.getLogger(FileconvOperator.class)
                        .error("informer stopped; the operator no longer reconciles", ex));
            }
            if (settings.leaderElection() != null) {
                OperatorSettings.LeaderElection le = settings.leaderElection();
                o.withLeaderElectionConfiguration(LeaderElectionConfigurationBuilder
                        .aLeaderElectionConfiguration(OperatorSettings.LEASE_NAME)
                        .withLeaseNamespace(settings.namespace())
                        .withIdentity(le.identity())
                        .withLeaseDuration(le.leaseDuration())
                        .withRenewDeadline(le.renewDeadline())
                        .withRetryPeriod(le.retryPeriod())
                        // Exiting from inside JOSDK would also fire on a normal stop; the caller decides.
                        .withExitOnStopLeading(false)
                        .withLeaderCallbacks(new LeaderCallbacks(this::startedLeading, onLostLeadership,
                                leader -> { }))
                        .build());
            }
        });
        FileConversionReconciler reconciler;
        if (settings.pool() == null) {
            reconciler = new FileConversionReconciler(new ConverterJobFactory(settings.job()), sink,
                    settings.finishedTtl(), Clock.systemUTC());
            endpoint = null;
            workLeader = null;
        } else {
            reconciler = new FileConversionReconciler(new ConverterJobFactory(settings.job()), sink,
                    settings.finishedTtl(), Clock.systemUTC(), pooled.work(), pooled.files(),
                    settings.namespace());
            ConverterPool pool = new ConverterPool(client, settings.namespace(), pooled.regions(),
                    new PooledJobFactory(settings.job(), settings.pool()), pooled.work(), pooled.tokens());
            workLeader = new WorkLeader(client, settings.namespace(),
                    electsLeader ? settings.leaderElection().identity() : null, pooled.work(), pooled.tokens(),
                    pool, reconciler::exists);
            try {
                endpoint = new WorkEndpoint(settings.pool().workPort(), pooled.work(), pooled.tokens());
            } catch (IOException e) {
                throw new UncheckedIOException("work endpoint on port " + settings.pool().workPort(), e);
            }
        }
        this.conversions = reconciler;
        this.pooled = pooled;
        operator.register(reconciler, c -> c.settingNamespace(settings.namespace()));
        if (migrations != null) {
            operator.register(migrations, c -> c.settingNamespace(settings.namespace()));
        }
    }

    /** What pooled mode needs besides the settings: the queue and its collaborators, the rows, the regions. */
    public record Pooled(PooledWork work, JobTokens tokens, FileLookup files, Set<Region> regions) {
    }

    /**
     * Runs {@code task} on this replica while it leads (started with leadership, closed with the operator); to be
     * called before {@link #start()}.
     */
    /** See {@link FileConversionReconciler#withOrphanedOutputDiscard}; before {@link #start()}. */
    public FileconvOperator withOrphanedOutputDiscard(FileConversionReconciler.OrphanedOutput discard) {
        conversions.withOrphanedOutputDiscard(discard);
        return this;
    }

    public FileconvOperator whileLeading(LeaderTask task) {
        leaderTasks.add(task);
        return this;
    }

    /**
     * Whether the attempt waits or converts in this leader's work queue (pooled mode): the dispatcher queues it right
     * after its commit, before its FileConversion exists, so to the sweeper that counts as its resource existing.
     */
    public boolean holds(ConversionRequest request) {
        if (pooled == null) {
            return false;
        }
        String key = FileConversion.nameOf(request);
        return pooled.work().queue().waiting(key).isPresent() || pooled.work().queue().leaseOf(key).isPresent();
    }

    /** FileConversions this replica's informer holds (what etcd holds of them); 0 on a standby. */
    public long fileConversionsAlive() {
        return conversions.resourcesInCache();
    }

    /** Whether this replica holds the Lease (always, without leader election, once started). */
    public boolean isLeading() {
        return leading;
    }

    public void start() {
        operator.start();
        if (!electsLeader) {
            startedLeading();
        }
    }

    private void startedLeading() {
        leading = true;
        if (workLeader != null) {
            workLeader.start();
        }
        leaderTasks.forEach(LeaderTask::start);
    }

    /**
     * The dispatcher of this process committed {@code request}'s row to QUEUED. In pooled mode the leader queues it
     * at once, as the embedded stack does, instead of after the reconcile of its new FileConversion (which under a
     * burst waits behind the others' status writes); the reconcile then finds it waiting. Other replicas leave it to
     * the leader's reconcile.
     */
    public void rowQueued(ConversionRequest request) throws Exception {
        if (pooled == null) {
            return;
        }
        if (leading) {
            Optional<FileRecord> row = pooled.files().find(request.region(), request.fileId());
            if (row.isPresent()) {
                pooled.work().queueDispatched(FileConversion.nameOf(request), row.get(), request.attempt());
            }
        }
        conversions.rowQueued(FileConversion.nameOf(request));
    }

    /** Port of the work endpoint (pooled mode), 0 otherwise. */
    public int workPort() {
        return endpoint == null ? 0 : endpoint.port();
    }

    @Override
    public void close() {
        leaderTasks.forEach(LeaderTask::close);
        if (workLeader != null) {
            workLeader.close();
        }
        if (endpoint != null) {
            endpoint.close();
        }
        operator.stop();
    }
}
