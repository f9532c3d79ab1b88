package io.fileconv.core.metrics;

import io.fileconv.core.Region;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Webhook delivery tries by outcome ({@link MetricNames#WEBHOOK_DELIVERIES}) and the pending backlog gauges. */
public final class WebhookMetrics {
    public static final List<String> OUTCOMES = List.of("delivered", "retry", "failed");

    private final MeterRegistry registry;
    private final Map<Region, long[]> backlog = new ConcurrentHashMap<>();

    public WebhookMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Registers every series at 0 and the gauges of each region. */
    public WebhookMetrics withRegions(Iterable<Region> regions) {
        for (Region r : regions) {
            OUTCOMES.forEach(o -> counter(r, o));
            long[] cell = backlog.computeIfAbsent(r, x -> new long[2]);
            Gauge.builder(MetricNames.WEBHOOK_PENDING.name(), cell, c -> c[0])
                    .description(MetricNames.WEBHOOK_PENDING.description()).tag("region", r.code()).register(registry);
            Gauge.builder(MetricNames.WEBHOOK_OLDEST_PENDING.name(), cell, c -> c[1])
                    .description(MetricNames.WEBHOOK_OLDEST_PENDING.description()).tag("region", r.code())
                    .register(registry);
        }
        return this;
    }

    public void tried(Region region, String outcome) {
        counter(region, outcome).increment();
    }

    /** The region's pending count and oldest pending creation time (null: none), as of this pass. */
    public void backlog(Region region, long pending, Instant oldest, Instant now) {
        long[] cell = backlog.get(region);
        if (cell != null) {
            cell[0] = pending;
            cell[1] = oldest == null ? 0 : Math.max(0, Duration.between(oldest, now).toSeconds());
        }
    }

    private Counter counter(Region region, String outcome) {
        return Counter.builder(MetricNames.WEBHOOK_DELIVERIES.name())
                .description(MetricNames.WEBHOOK_DELIVERIES.description())
                .tags("region", region.code(), "outcome", outcome).register(registry);
    }
}
