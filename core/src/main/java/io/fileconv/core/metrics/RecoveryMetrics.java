package io.fileconv.core.metrics;

import io.fileconv.core.Region;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * What keeps the pipeline moving past bad input and lost work: change events the dispatcher skipped
 * ({@link MetricNames#DISPATCH_SKIPPED_EVENTS}) and rows the sweeper repaired ({@link MetricNames#SWEEPER_REPAIRS}).
 * Label values are bounded by the callers' constants.
 */
public final class RecoveryMetrics {
    public static final String RELAUNCHED = "relaunched";
    public static final String FAILED = "failed";

    private final MeterRegistry registry;

    public RecoveryMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Registers the skipped-events series at 0, so an alert on their increase sees the first one. */
    public RecoveryMetrics withSkipReasons(Iterable<Region> regions, Iterable<String> reasons) {
        for (Region r : regions) {
            for (String reason : reasons) {
                skipped(r, reason);
            }
        }
        return this;
    }

    /** Registers the repair series at 0, for the same reason. */
    public RecoveryMetrics withRepairs(Iterable<Region> regions) {
        for (Region r : regions) {
            repairs(r, RELAUNCHED);
            repairs(r, FAILED);
        }
        return this;
    }

    public void eventSkipped(Region region, String reason) {
        skipped(region, reason).increment();
    }

    /** @param action {@link #RELAUNCHED} or {@link #FAILED} */
    public void repaired(Region region, String action) {
        repairs(region, action).increment();
    }

    private Counter skipped(Region region, String reason) {
        return Counter.builder(MetricNames.DISPATCH_SKIPPED_EVENTS.name())
                .description(MetricNames.DISPATCH_SKIPPED_EVENTS.description())
                .tags("region", region.code(), "reason", reason).register(registry);
    }

    private Counter repairs(Region region, String action) {
        return Counter.builder(MetricNames.SWEEPER_REPAIRS.name()).description(MetricNames.SWEEPER_REPAIRS.description())
                .tags("region", region.code(), "action", action).register(registry);
    }
}
