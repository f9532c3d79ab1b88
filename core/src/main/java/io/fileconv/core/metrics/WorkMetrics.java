package io.fileconv.core.metrics;

import io.fileconv.core.Region;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToDoubleFunction;
import java.util.function.ToIntFunction;

/** The pooled converters' meters (MetricNames.WORK_*, CONVERTER_JOBS): queue depth and age, leases, Jobs alive, losses. */
public final class WorkMetrics {
    private final Map<Region, AtomicInteger> jobs = new EnumMap<>(Region.class);
    private final MeterRegistry registry;
    private final Map<Region, Counter> expired = new EnumMap<>(Region.class);

    /**
     * @param waiting files waiting in a region's queue
     * @param oldest  seconds the longest-waiting file of a region has waited
     * @param leased  files held by a converter pod in a region
     */
    public WorkMetrics(MeterRegistry registry, Iterable<Region> regions, ToIntFunction<Region> waiting,
                       ToDoubleFunction<Region> oldest, ToIntFunction<Region> leased) {
        this.registry = registry;
        for (Region r : regions) {
            Gauge.builder(MetricNames.WORK_OLDEST_WAITING.name(), () -> oldest.applyAsDouble(r))
                    .description(MetricNames.WORK_OLDEST_WAITING.description()).tag("region", r.code())
                    .register(registry);
            Gauge.builder(MetricNames.WORK_WAITING.name(), () -> waiting.applyAsInt(r))
                    .description(MetricNames.WORK_WAITING.description()).tag("region", r.code()).register(registry);
            Gauge.builder(MetricNames.WORK_LEASED.name(), () -> leased.applyAsInt(r))
                    .description(MetricNames.WORK_LEASED.description()).tag("region", r.code()).register(registry);
            AtomicInteger alive = new AtomicInteger();
            jobs.put(r, alive);
            Gauge.builder(MetricNames.CONVERTER_JOBS.name(), alive, AtomicInteger::get)
                    .description(MetricNames.CONVERTER_JOBS.description()).tag("region", r.code()).register(registry);
            expired.put(r, Counter.builder(MetricNames.WORK_LEASES_EXPIRED.name())
                    .description(MetricNames.WORK_LEASES_EXPIRED.description()).tag("region", r.code())
                    .register(registry));
        }
    }

    public void jobsAlive(Region region, int n) {
        AtomicInteger g = jobs.get(region);
        if (g != null) {
            g.set(n);
        }
    }

    /** @param written whether the converter wrote the thumbnail (a failure is counted, never fatal) */
    public void thumbnail(Region region, boolean written) {
        Counter.builder(MetricNames.THUMBNAILS.name()).description(MetricNames.THUMBNAILS.description())
                .tag("region", region.code()).tag("outcome", written ? "written" : "failed").register(registry)
                .increment();
    }

    public void leaseExpired(Region region) {
        Counter c = expired.get(region);
        if (c != null) {
            c.increment();
        }
    }
}
