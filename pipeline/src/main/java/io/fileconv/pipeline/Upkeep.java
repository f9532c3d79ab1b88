package io.fileconv.pipeline;

import io.fileconv.core.ConversionLauncher;
import io.fileconv.core.Env;
import io.fileconv.core.FileRepository;
import io.fileconv.core.ObjectStore;
import io.fileconv.core.Region;
import io.fileconv.core.UserDirectory;
import io.fileconv.core.deletion.FileEraser;
import io.fileconv.core.metrics.DeletionMetrics;
import io.fileconv.core.metrics.RecoveryMetrics;
import io.fileconv.core.metrics.WebhookMetrics;
import io.fileconv.core.webhook.WebhookAddressPolicy;
import io.fileconv.pipeline.retention.RetentionSweep;
import io.fileconv.pipeline.sweep.ConversionSweeper;
import io.fileconv.pipeline.webhook.WebhookDeliverer;
import io.micrometer.core.instrument.MeterRegistry;

import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * The periodic passes one process runs for the whole cell: the sweeper of rows left without a conversion, the
 * retention job, the webhook deliverer. The operator runs them while it leads; the embedded stack's one worker
 * always does.
 */
public record Upkeep(ConversionSweeper sweeper, RetentionSweep retention, WebhookDeliverer webhooks) {

    /**
     * @param launcher  what drives a stuck row on (the operator's Kubernetes launcher, the worker's queue)
     * @param resources whether a row's conversion still exists there
     */
    public static Upkeep create(Env env, Map<Region, FileRepository> repositories, UserDirectory users,
                                ObjectStore store, ConversionLauncher launcher, ConversionSweeper.Resources resources,
                                MeterRegistry metrics) {
        return new Upkeep(
                new ConversionSweeper(repositories, env::bucket, launcher, resources,
                        ConversionSweeper.Settings.from(env), new RecoveryMetrics(metrics)),
                new RetentionSweep(repositories, env::bucket, users, new FileEraser(store,
                        new DeletionMetrics(metrics).withRegions(repositories.keySet())),
                        RetentionSweep.Settings.from(env)),
                new WebhookDeliverer(repositories, WebhookAddressPolicy.from(env), WebhookDeliverer.Settings.from(env),
                        new WebhookMetrics(metrics), Clock.systemUTC()));
    }

    public List<LeaderTask> tasks() {
        return List.of(sweeper, retention, webhooks);
    }
}
