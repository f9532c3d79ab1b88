package io.fileconv.core.metrics;

import io.fileconv.core.Region;
import io.fileconv.core.deletion.DeletionReason;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/** Counts files deleted ({@link MetricNames#FILES_DELETED}) by region and reason; both labels are bounded enums. */
public final class DeletionMetrics {
    private final MeterRegistry registry;

    public DeletionMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Registers every series at 0, so a rate over the first deletion is not lost. */
    public DeletionMetrics withRegions(Iterable<Region> regions) {
        for (Region r : regions) {
            for (DeletionReason reason : DeletionReason.values()) {
                counter(r, reason);
            }
        }
        return this;
    }

    public void deleted(Region region, DeletionReason reason) {
        counter(region, reason).increment();
    }

    private Counter counter(Region region, DeletionReason reason) {
        return Counter.builder(MetricNames.FILES_DELETED.name()).description(MetricNames.FILES_DELETED.description())
                .tags("region", region.code(), "reason", reason.label()).register(registry);
    }
}
