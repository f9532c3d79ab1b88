package io.fileconv.core.metrics;

import io.fileconv.core.FailureClass;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The single list of fileconv's own meters: the code registers them from here, and the manifests tests check that
 * every series the Grafana dashboard and the PrometheusRule query is one of {@link #exportedSeries()} (or a
 * standard jvm_/process_/hikaricp_ series). Label values are bounded: no user or file ids, ever.
 */
public final class MetricNames {
    private MetricNames() {
    }

    public enum Kind { TIMER, COUNTER, GAUGE }

    /** A meter by its Micrometer name; {@link #prometheusName()} is what Prometheus sees. */
    public record Meter(String name, Kind kind, String description, List<String> tags, List<Duration> buckets) {
        /** Base name in Prometheus: dots become underscores, timers get their unit, counters their _total. */
        public String prometheusName() {
            String base = name.replace('.', '_');
            return switch (kind) {
                case TIMER -> base + "_seconds";
                case COUNTER -> base + "_total";
                case GAUGE -> base;
            };
        }

        /** Every series name this meter produces in the Prometheus exposition. */
        public Set<String> series() {
            String p = prometheusName();
            return kind == Kind.TIMER ? Set.of(p + "_count", p + "_sum", p + "_bucket", p + "_max") : Set.of(p);
        }

        public Duration[] bucketArray() {
            return buckets.toArray(Duration[]::new);
        }
    }

    private static List<Duration> ms(long... values) {
        return Arrays.stream(values).mapToObj(Duration::ofMillis).toList();
    }

    public static final Meter HTTP_REQUESTS = new Meter("fileconv.http.requests", Kind.TIMER,
            "API requests by route template, method and status", List.of("route", "method", "status", "status_class"),
            ms(5, 10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 30_000));

    public static final Meter UPLOADS = new Meter("fileconv.uploads", Kind.COUNTER,
            "Uploads accepted (row written) by region", List.of("region"), List.of());

    public static final Meter UPLOAD_ADMISSIONS = new Meter("fileconv.upload.admissions", Kind.COUNTER,
            "Upload requests by the per-user limits' decision (outcome: admitted, rate_limited, in_flight_limited)",
            List.of("outcome"), List.of());

    public static final Meter KAFKA_CONSUMER_LAG = new Meter("fileconv.kafka.consumer.lag", Kind.GAUGE,
            "Dispatcher lag: log end offset minus the consumer's position", List.of("topic", "partition"), List.of());

    public static final Meter CDC_DELAY = new Meter("fileconv.cdc.delay", Kind.TIMER,
            "Age of a change event when the dispatcher reads it (binlog time to dispatch: Debezium plus Kafka)",
            List.of("region"), ms(100, 250, 500, 1_000, 2_000, 5_000, 10_000, 30_000, 60_000, 300_000));

    private static final List<Duration> PIPELINE_BUCKETS = ms(500, 1_000, 2_000, 5_000, 10_000, 20_000, 30_000,
            60_000, 120_000, 300_000, 600_000, 1_800_000, 3_600_000);

    public static final Meter PIPELINE_LATENCY = new Meter("fileconv.pipeline.latency", Kind.TIMER,
            "Upload accepted to terminal state, by region and outcome", List.of("region", "outcome"),
            PIPELINE_BUCKETS);

    public static final Meter PIPELINE_START_LATENCY = new Meter("fileconv.pipeline.start.latency", Kind.TIMER,
            "Upload accepted to conversion start (CDC, Kafka, dispatch, queue)", List.of("region"), PIPELINE_BUCKETS);

    public static final Meter CONVERSION = new Meter("fileconv.conversion", Kind.TIMER,
            "Conversion time by detected type and outcome", List.of("type", "outcome"),
            ms(250, 500, 1_000, 2_000, 5_000, 10_000, 20_000, 30_000, 60_000, 120_000, 300_000));

    public static final Meter CONVERSIONS = new Meter("fileconv.conversions", Kind.COUNTER,
            "Conversions run to an outcome (converted or a failure class)", List.of("outcome"), List.of());

    public static final Meter S3_REQUESTS = new Meter("fileconv.s3.requests", Kind.TIMER,
            "S3 requests by operation and outcome (success, not_found, error)", List.of("operation", "outcome"),
            ms(5, 10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 30_000));

    public static final Meter REGION_MIGRATIONS = new Meter("fileconv.region.migrations", Kind.COUNTER,
            "Region moves of a user that ended, by source, target and outcome (completed or failed)",
            List.of("from", "to", "outcome"), List.of());

    public static final Meter WORK_WAITING = new Meter("fileconv.work.waiting", Kind.GAUGE,
            "Pooled converters: files waiting in the operator's queue, by region", List.of("region"), List.of());

    public static final Meter WORK_OLDEST_WAITING = new Meter("fileconv.work.oldest.waiting.seconds", Kind.GAUGE,
            "Pooled converters: how long the longest-waiting file of a region has waited", List.of("region"),
            List.of());

    public static final Meter WORK_LEASED = new Meter("fileconv.work.leased", Kind.GAUGE,
            "Pooled converters: files held by a converter pod (leased), by region", List.of("region"), List.of());

    public static final Meter CONVERTER_JOBS = new Meter("fileconv.converter.jobs", Kind.GAUGE,
            "Pooled converters: converter Jobs alive (not complete or failed), by region", List.of("region"),
            List.of());

    public static final Meter WORK_LEASES_EXPIRED = new Meter("fileconv.work.leases.expired", Kind.COUNTER,
            "Pooled converters: leases not renewed in time (a converter pod lost), by region", List.of("region"),
            List.of());

    public static final Meter DISPATCH_SKIPPED_EVENTS = new Meter("fileconv.dispatch.skipped.events", Kind.COUNTER,
            "Change events the dispatcher could not use and skipped (reason: unparsable, missing_field,"
                    + " unknown_status), by region", List.of("region", "reason"), List.of());

    public static final Meter SWEEPER_REPAIRS = new Meter("fileconv.sweeper.repairs", Kind.COUNTER,
            "Rows the sweeper drove on (action: relaunched, failed), by region", List.of("region", "action"),
            List.of());

    public static final Meter FILES_DELETED = new Meter("fileconv.files.deleted", Kind.COUNTER,
            "Files deleted with their objects and row (reason: api, retention, erasure), by region",
            List.of("region", "reason"), List.of());

    public static final Meter STATUS_STREAMS = new Meter("fileconv.status.streams", Kind.GAUGE,
            "Open live status streams (GET /api/v1/events) of this API instance", List.of(), List.of());

    public static final Meter WEBHOOK_DELIVERIES = new Meter("fileconv.webhook.deliveries", Kind.COUNTER,
            "Webhook delivery tries (outcome: delivered, retry, failed = given up), by region",
            List.of("region", "outcome"), List.of());

    public static final Meter WEBHOOK_PENDING = new Meter("fileconv.webhook.pending", Kind.GAUGE,
            "Webhook deliveries not yet delivered nor given up, by region", List.of("region"), List.of());

    public static final Meter WEBHOOK_OLDEST_PENDING = new Meter("fileconv.webhook.oldest.pending.seconds",
            Kind.GAUGE, "Age of the oldest pending webhook delivery (0 when none), by region", List.of("region"),
            List.of());

    public static final Meter THUMBNAILS = new Meter("fileconv.thumbnails", Kind.COUNTER,
            "Pooled converters: first-page thumbnails after a conversion (outcome: written, failed; a failure does not"
                    + " fail the conversion), by region", List.of("region", "outcome"), List.of());

    public static final Meter KUBE_API_REQUESTS = new Meter("fileconv.kube.api.requests", Kind.COUNTER,
            "Requests of this process to the Kubernetes API server by verb, resource (as apiserver_request_total names"
                    + " them) and status code; writes are what etcd pays for per file", List.of("verb", "resource", "code"),
            List.of());

    public static final Meter FILECONVERSIONS = new Meter("fileconv.fileconversions", Kind.GAUGE,
            "FileConversions in etcd as the leading operator's informer holds them (alive and within their finished"
                    + " TTL); 0 on a standby", List.of(), List.of());

    public static final List<Meter> ALL = List.of(HTTP_REQUESTS, UPLOADS, UPLOAD_ADMISSIONS, KAFKA_CONSUMER_LAG, CDC_DELAY,
            PIPELINE_LATENCY, PIPELINE_START_LATENCY, CONVERSION, CONVERSIONS, S3_REQUESTS, REGION_MIGRATIONS,
            WORK_WAITING, WORK_OLDEST_WAITING, WORK_LEASED, CONVERTER_JOBS, WORK_LEASES_EXPIRED,
            DISPATCH_SKIPPED_EVENTS, SWEEPER_REPAIRS, FILES_DELETED, STATUS_STREAMS, WEBHOOK_DELIVERIES,
            WEBHOOK_PENDING, WEBHOOK_OLDEST_PENDING, THUMBNAILS, KUBE_API_REQUESTS, FILECONVERSIONS);

    /** Outcome label of a successful conversion; failures use the lower-case FailureClass name. */
    public static final String CONVERTED = "converted";

    /** Every fileconv_* series name the code can export. */
    public static Set<String> exportedSeries() {
        return ALL.stream().flatMap(m -> m.series().stream()).collect(Collectors.toUnmodifiableSet());
    }

    /** Label value of a failure class: bounded by the enum. */
    public static String outcome(FailureClass failureClass) {
        return failureClass.name().toLowerCase(Locale.ROOT);
    }
}
