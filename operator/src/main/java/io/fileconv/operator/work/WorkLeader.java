package io.fileconv.operator.work;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fileconv.operator.k8s.Labels;
import io.fileconv.pipeline.work.PooledWork;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * What only the leader runs for the pool: it labels its own pod {@code fileconv.io/work-leader=true} (the work
 * Service selects that label, so converter pods reach the leader) and takes the label off any other pod; then,
 * every {@code tick}, it sweeps expired leases, forgets files whose FileConversion was deleted, and sizes the pools.
 */
public final class WorkLeader implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WorkLeader.class);
    private static final long TICK_MILLIS = 1000;
    private static final long ABSENT_GRACE_NANOS = Duration.ofSeconds(10).toNanos();
    /** Keys whose FileConversion the cache lacked at a tick, and since when (tick thread only). */
    private final Map<String, Long> absentSince = new HashMap<>();

    private final KubernetesClient client;
    private final String namespace;
    private final String podName;
    private final PooledWork work;
    private final JobTokens tokens;
    private final ConverterPool pool;
    private final Predicate<String> conversionExists;
    private ScheduledExecutorService timer;

    /**
     * @param podName          this replica's pod (HOSTNAME); null when not running in a pod (tests)
     * @param conversionExists whether a FileConversion of that name still exists (the informer cache)
     */
    public WorkLeader(KubernetesClient client, String namespace, String podName, PooledWork work, JobTokens tokens,
                      ConverterPool pool, Predicate<String> conversionExists) {
        this.tokens = tokens;
        this.client = client;
        this.namespace = namespace;
        this.podName = podName;
        this.work = work;
        this.pool = pool;
        this.conversionExists = conversionExists;
    }

    /** Called when this replica starts leading. */
    public synchronized void start() {
        if (timer != null) {
            return;
        }
        labelLeader();
        tokens.reload();
        work.leading(true);
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "fileconv-converter-pool");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::tick, 0, TICK_MILLIS, TimeUnit.MILLISECONDS);
        LOG.info("leading the converter pools");
    }

    private void tick() {
        try {
            work.sweep();
            long now = System.nanoTime();
            Set<String> keys = work.queue().keys();
            absentSince.keySet().retainAll(keys);
            for (String key : keys) {
                if (conversionExists.test(key)) {
                    absentSince.remove(key);
                    continue;
                }
                // The dispatcher of this process queues a file right after creating its FileConversion, possibly
                // before the informer cache has it: only a resource missing for a while was deleted.
                long since = absentSince.computeIfAbsent(key, k -> now);
                if (now - since >= ABSENT_GRACE_NANOS) {
                    absentSince.remove(key);
                    work.queue().forget(key);
                    LOG.info("FileConversion {} deleted: withdrawn from the converter queue", key);
                }
            }
            pool.resize();
        } catch (RuntimeException e) {
            LOG.warn("converter pool pass failed (retried in {} ms): {}", TICK_MILLIS, e.toString());
        }
    }

    private void labelLeader() {
        if (podName == null) {
            LOG.info("no pod name (HOSTNAME): the work Service cannot select this replica by label");
            return;
        }
        try {
            for (Pod other : client.pods().inNamespace(namespace).withLabel(Labels.WORK_LEADER, "true").list()
                    .getItems()) {
                if (!other.getMetadata().getName().equals(podName)) {
                    client.pods().inNamespace(namespace).withName(other.getMetadata().getName())
                            .patch(PatchContext.of(PatchType.JSON_MERGE),
                                    "{\"metadata\":{\"labels\":{\"" + Labels.WORK_LEADER + "\":null}}}");
                }
            }
            client.pods().inNamespace(namespace).withName(podName).patch(PatchContext.of(PatchType.JSON_MERGE),
                    "{\"metadata\":{\"labels\":{\"" + Labels.WORK_LEADER + "\":\"true\"}}}");
        } catch (RuntimeException e) {
            LOG.warn("could not label pod {} as the work leader: {}", podName, e.toString());
        }
    }

    @Override
    public synchronized void close() {
        work.leading(false);
        if (timer != null) {
            timer.shutdownNow();
            try {
                // A pass in flight still uses the client, which the caller closes next.
                timer.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            timer = null;
        }
    }
}
