package io.fileconv.core.metrics;

import io.fileconv.core.FailureClass;
import io.fileconv.core.FileRecord;
import io.fileconv.core.FileStatus;
import io.fileconv.core.Region;
import io.fileconv.core.deletion.DeletionReason;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

class MetricNamesTest {
    private static final Pattern SERIES = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*})? (\\S+)", Pattern.MULTILINE);

    /** Names in MetricNames must be exactly what the recorders export, or the dashboard test proves nothing. */
    @Test
    void everyDeclaredMeterIsExportedUnderItsDeclaredSeriesNames() {
        PrometheusMeterRegistry registry = FileconvMetrics.create("test");
        Instant now = Instant.parse("2026-01-01T00:01:00Z");
        PipelineMetrics pipeline = new PipelineMetrics(registry, Clock.fixed(now, ZoneOffset.UTC));
        FileRecord file = file(now.minusSeconds(42));
        pipeline.uploaded(Region.IN);
        pipeline.changeEventRead(Region.IN, now.minusSeconds(2));
        pipeline.conversionStarted(file);
        pipeline.conversionFinished("application/msword", MetricNames.CONVERTED, Duration.ofSeconds(3));
        pipeline.terminal(file, MetricNames.CONVERTED);
        new ConsumerLag(registry).update(Map.of(new ConsumerLag.Partition("t", 0), 5L));
        new S3RequestMetricsProbe(registry).record("PutObject", "success");
        new MigrationMetrics(registry).finished(Region.IN, Region.UK, "Completed");
        WorkMetrics work = new WorkMetrics(registry, List.of(Region.IN), r -> 3, r -> 12.5, r -> 1);
        work.jobsAlive(Region.IN, 2);
        work.leaseExpired(Region.IN);
        work.thumbnail(Region.IN, true);
        RecoveryMetrics recovery = new RecoveryMetrics(registry);
        recovery.eventSkipped(Region.IN, "unparsable");
        recovery.repaired(Region.IN, RecoveryMetrics.RELAUNCHED);
        new DeletionMetrics(registry).deleted(Region.IN, DeletionReason.API);
        WebhookMetrics webhooks = new WebhookMetrics(registry).withRegions(List.of(Region.IN));
        webhooks.tried(Region.IN, "delivered");
        webhooks.backlog(Region.IN, 2, now.minusSeconds(30), now);
        Timer.builder(MetricNames.HTTP_REQUESTS.name())
                .tags("route", "/x", "method", "GET", "status", "200", "status_class", "2xx")
                .serviceLevelObjectives(MetricNames.HTTP_REQUESTS.bucketArray()).register(registry).record(Duration.ofMillis(7));
        // Recorded by the API's UserUploadLimiter (api module; UserUploadLimiterTest checks its series there).
        Counter.builder(MetricNames.UPLOAD_ADMISSIONS.name()).tag("outcome", "admitted")
                .register(registry).increment();
        // Registered by the API's StatusEvents (StatusEventsTest reads the endpoint it counts).
        Gauge.builder(MetricNames.STATUS_STREAMS.name(), () -> 0).register(registry);
        // Recorded by the operator's ApiServerRequests and OperatorMain (ApiServerRequestsTest checks the counter).
        Counter.builder(MetricNames.KUBE_API_REQUESTS.name()).tags("verb", "create", "resource", "fileconversions",
                "code", "201").register(registry).increment();
        Gauge.builder(MetricNames.FILECONVERSIONS.name(), () -> 0).register(registry);

        Set<String> fileconv = new TreeSet<>();
        Matcher m = SERIES.matcher(registry.scrape());
        while (m.find()) {
            if (m.group(1).startsWith("fileconv_")) {
                fileconv.add(m.group(1));
            }
        }
        assertThat(fileconv).containsExactlyInAnyOrderElementsOf(MetricNames.exportedSeries());
    }

    @Test
    void recoveryCountersAreRegisteredAtZeroAndCountByRegionAndLabel() {
        PrometheusMeterRegistry registry = FileconvMetrics.create("test");
        RecoveryMetrics recovery = new RecoveryMetrics(registry)
                .withSkipReasons(List.of(Region.IN, Region.UK), List.of("unparsable", "unknown_status"))
                .withRepairs(List.of(Region.UK));
        recovery.eventSkipped(Region.UK, "unknown_status");
        recovery.repaired(Region.UK, RecoveryMetrics.FAILED);
        String text = registry.scrape();
        assertThat(text).contains(
                "fileconv_dispatch_skipped_events_total{app=\"test\",reason=\"unparsable\",region=\"in\"} 0.0",
                "fileconv_dispatch_skipped_events_total{app=\"test\",reason=\"unknown_status\",region=\"uk\"} 1.0",
                "fileconv_sweeper_repairs_total{action=\"relaunched\",app=\"test\",region=\"uk\"} 0.0",
                "fileconv_sweeper_repairs_total{action=\"failed\",app=\"test\",region=\"uk\"} 1.0");
    }

    @Test
    void pipelineLatencyIsMeasuredFromCreatedAtAndBucketed() {
        PrometheusMeterRegistry registry = FileconvMetrics.create("test");
        Instant now = Instant.parse("2026-01-01T00:01:00Z");
        PipelineMetrics pipeline = new PipelineMetrics(registry, Clock.fixed(now, ZoneOffset.UTC));
        pipeline.terminal(file(now.minusSeconds(42)), MetricNames.outcome(FailureClass.TIMEOUT));
        String text = registry.scrape();
        assertThat(text).contains("fileconv_pipeline_latency_seconds_sum{app=\"test\",outcome=\"timeout\",region=\"in\"} 42.0");
        assertThat(text).contains("fileconv_pipeline_latency_seconds_bucket{app=\"test\",outcome=\"timeout\",region=\"in\",le=\"60.0\"} 1");
        assertThat(text).contains("fileconv_pipeline_latency_seconds_bucket{app=\"test\",outcome=\"timeout\",region=\"in\",le=\"30.0\"} 0");
    }

    @Test
    void typeLabelIsBoundedToSupportedExtensions() {
        assertThat(PipelineMetrics.typeLabel("application/vnd.openxmlformats-officedocument.wordprocessingml.document"))
                .isEqualTo("docx");
        assertThat(PipelineMetrics.typeLabel("text/x-anything-a-client-sends")).isEqualTo("other");
        assertThat(PipelineMetrics.typeLabel(null)).isEqualTo("other");
    }

    @Test
    void jvmAndProcessBindersAreRegistered() {
        String text = FileconvMetrics.create("test").scrape();
        assertThat(text).contains("jvm_memory_used_bytes", "jvm_threads_live_threads", "process_cpu_usage",
                "process_uptime_seconds");
    }

    private static FileRecord file(Instant created) {
        return new FileRecord("f1", "u1", Region.IN, "a.doc", "application/msword", 1, "x", "in", "out",
                FileStatus.CONVERTED, null, null, 1, "r1", created, created, created, created, created);
    }

    /** Drives the interceptor's recording path without an S3 endpoint. */
    private record S3RequestMetricsProbe(MeterRegistry registry) {
        void record(String op, String outcome) {
            PipelineMetrics.timer(registry, MetricNames.S3_REQUESTS, "operation", op, "outcome", outcome)
                    .record(Duration.ofMillis(3));
        }
    }
}
