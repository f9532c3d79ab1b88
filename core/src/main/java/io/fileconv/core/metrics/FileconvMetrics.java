package io.fileconv.core.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * One Prometheus registry per process. Common tags carry only the application name: the region of an API comes
 * from its Service (ServiceMonitor targetLabels), and the operator serves several regions, so a process-wide
 * region tag would be wrong there; meters that need the region tag it themselves.
 */
public final class FileconvMetrics {
    /** Content type of the Prometheus text exposition format served on /metrics. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private FileconvMetrics() {
    }

    /** @param app bounded application name, e.g. {@code fileconv-api} */
    public static PrometheusMeterRegistry create(String app) {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.config().commonTags(Tags.of("app", app));
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        return registry;
    }

    /** A registry that records nothing, for callers (tests, tools) that export no metrics. */
    public static MeterRegistry none() {
        return new CompositeMeterRegistry();
    }

    /** The Prometheus text exposition of {@code registry}, or an empty page when it is not a Prometheus one. */
    public static String scrape(MeterRegistry registry) {
        return registry instanceof PrometheusMeterRegistry p ? p.scrape() : "";
    }
}
