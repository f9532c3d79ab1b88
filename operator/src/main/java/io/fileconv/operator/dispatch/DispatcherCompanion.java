package io.fileconv.operator.dispatch;

import io.fileconv.core.ConversionLauncher;
import io.fileconv.core.Env;
import io.fileconv.core.FileRepository;
import io.fileconv.core.KafkaClientSettings;
import io.fileconv.core.Region;
import io.fileconv.core.metrics.FileconvMetrics;
import io.fileconv.operator.Companion;
import io.fileconv.pipeline.dispatch.Dispatcher;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.Map;

/**
 * Runs the {@link Dispatcher} in the operator process, on every replica. That is safe without leader election:
 * the replicas are members of one consumer group (each partition has one consumer at a time), offsets live in
 * MySQL beside the UPLOADED -> QUEUED transition, and launching is idempotent per (file, attempt), so a
 * rebalance or a replayed event creates nothing twice. Running it on both replicas also means a standby keeps
 * dispatching while the leader restarts.
 */
public final class DispatcherCompanion implements Companion {
    private final Env env;
    private final KafkaClientSettings kafka;
    private final MeterRegistry registry;

    public DispatcherCompanion(Env env) {
        this(env, FileconvMetrics.none());
    }

    public DispatcherCompanion(Env env, MeterRegistry registry) {
        this.env = env;
        // Read now, so that a wrong FILECONV_KAFKA_* combination stops the process at start with its reason.
        this.kafka = KafkaClientSettings.from(env);
        this.registry = registry;
    }

    private volatile Dispatcher dispatcher;

    /**
     * Refused Kafka credentials or ACLs: the replica is not ready, so a rollout with a wrong Secret stops at the first
     * new pod instead of replacing working ones with pods that dispatch nothing.
     */
    @Override
    public String notReadyReason() {
        Dispatcher d = dispatcher;
        return d == null ? null : d.failure();
    }

    @Override
    public AutoCloseable start(ConversionLauncher launcher, Map<Region, FileRepository> repositories) {
        Dispatcher dispatcher = Dispatcher.forRegions(env, kafka, repositories, launcher, registry);
        dispatcher.start();
        this.dispatcher = dispatcher;
        return dispatcher;
    }
}
