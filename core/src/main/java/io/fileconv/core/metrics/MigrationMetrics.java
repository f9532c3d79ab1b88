package io.fileconv.core.metrics;

import io.fileconv.core.Region;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.Locale;

/** Records how region moves end ({@link MetricNames#REGION_MIGRATIONS}); labels are bounded (3 regions, 2 outcomes). */
public final class MigrationMetrics {
    private final MeterRegistry registry;

    public MigrationMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** @param outcome the terminal phase, e.g. Completed or Failed */
    public void finished(Region from, Region to, String outcome) {
        Counter.builder(MetricNames.REGION_MIGRATIONS.name())
                .description(MetricNames.REGION_MIGRATIONS.description())
                .tags("from", from.code(), "to", to.code(), "outcome", outcome.toLowerCase(Locale.ROOT))
                .register(registry).increment();
    }
}
