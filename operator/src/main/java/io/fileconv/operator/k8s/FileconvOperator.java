package io.fileconv.operator.k8s;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fileconv.operator.k8s.job.ConverterJobFactory;
import io.fileconv.operator.k8s.reconciler.ConversionStatusSink;
import io.fileconv.operator.k8s.reconciler.FileConversionReconciler;
import io.fileconv.operator.k8s.reconciler.RegionMigrationReconciler;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfigurationBuilder;

import java.time.Clock;

/**
 * The JOSDK operator with the FileConversion and RegionMigration controllers, configured for plain (non server-side-apply) patches
 * so that it runs against any API server, including fabric8's mock. With leader election only the replica that
 * holds the Lease reconciles; one that loses it calls {@code onLostLeadership}, which must end the process
 * (JOSDK keeps reconciling otherwise).
 */
public class FileconvOperator implements AutoCloseable {
    /** System property: false keeps the JVM alive when an informer stops (tests only). */
    public static final String EXIT_ON_INFORMER_ERROR = "fileconv.operator.exitOnInformerError";

    private final Operator operator;

    public FileconvOperator(KubernetesClient client, OperatorSettings settings, ConversionStatusSink sink,
                            Runnable onLostLeadership) {
        this(client, settings, sink, null, onLostLeadership);
    }

    /** @param migrations the RegionMigration controller; null runs without it */
    public FileconvOperator(KubernetesClient client, OperatorSettings settings, ConversionStatusSink sink,
                            RegionMigrationReconciler migrations, Runnable onLostLeadership) {
        this.operator = new Operator(o -> {
            o.withKubernetesClient(client)
                    .withCloseClientOnStop(false)
                    .withUseSSAToPatchPrimaryResource(false)
                    .withSSABasedCreateUpdateMatchForDependentResources(false);
            if (!Boolean.parseBoolean(System.getProperty(EXIT_ON_INFORMER_ERROR, "true"))) {
                // JOSDK's default ends the JVM when an informer dies (right for a pod: Kubernetes restarts it). Tests
                // running many operators in one JVM against the mock server turn that into a logged stop instead.
                o.withInformerStoppedHandler((informer, ex) -> org.slf4j.LoggerFactory.getLogger(FileconvOperator.class)
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
                        .withLeaderCallbacks(new LeaderCallbacks(() -> { }, onLostLeadership, leader -> { }))
                        .build());
            }
        });
        FileConversionReconciler reconciler = new FileConversionReconciler(new ConverterJobFactory(settings.job()),
                sink, settings.finishedTtl(), Clock.systemUTC());
        operator.register(reconciler, c -> c.settingNamespace(settings.namespace()));
        if (migrations != null) {
            operator.register(migrations, c -> c.settingNamespace(settings.namespace()));
        }
    }

    public void start() {
        operator.start();
    }

    @Override
    public void close() {
        operator.stop();
    }
}
