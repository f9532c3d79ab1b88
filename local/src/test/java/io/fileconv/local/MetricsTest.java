package io.fileconv.local;

import io.fileconv.core.Region;
import io.fileconv.core.metrics.MetricNames;
import io.fileconv.testkit.ApiClient;
import io.fileconv.testkit.SampleDocuments;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Scrapes the embedded stack's /metrics (API and worker share one registry) around real uploads and checks each
 * meter of MetricNames with values the test caused. The stack is shared with other test classes, so counters are
 * compared as deltas.
 */
@ExtendWith(SharedStack.class)
class MetricsTest {
    private static final Pattern LINE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})? (\\S+)$");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    static ApiClient api;
    static String token;
    static String base;
    static EmbeddedStack shared;

    @BeforeAll
    static void client(EmbeddedStack stack) throws Exception {
        shared = stack;
        base = stack.baseUrl();
        api = new ApiClient(base);
        token = api.token("metrics-user", "in");
    }

    /**
     * Files of any region still on their way (changed in the last 3 minutes and not terminal). Rows another test left
     * non-terminal on purpose stop counting once they are 3 minutes old, so they cannot block this test for long.
     */
    private static long inFlightFiles() throws Exception {
        long n = 0;
        for (Region r : EmbeddedStack.REGIONS) {
            try (var c = shared.files(r).dataSource().getConnection(); var st = c.createStatement();
                 var rs = st.executeQuery("SELECT COUNT(*) FROM files WHERE status IN ('UPLOADED','QUEUED','CONVERTING')"
                         + " AND updated_at > UTC_TIMESTAMP(3) - INTERVAL 3 MINUTE")) {
                rs.next();
                n += rs.getLong(1);
            }
        }
        return n;
    }

    @Test
    void everyMeterReflectsWhatTheTestDid() throws Exception {
        // Drain anything earlier test classes left in flight (events not yet dispatched, files not yet terminal), so
        // the conversion delta is this test's alone.
        await().atMost(Duration.ofSeconds(240)).until(() -> sum(scrape(), "fileconv_kafka_consumer_lag", Map.of()) == 0
                && inFlightFiles() == 0);
        List<Sample> before = scrape();

        List<String> ids = new ArrayList<>();
        for (SampleDocuments.Doc doc : List.of(SampleDocuments.txt(), SampleDocuments.docx())) {
            ids.add(api.uploadOk(token, doc.name(), doc.bytes()));
        }
        for (String id : ids) {
            assertThat(api.awaitTerminal(token, id, Duration.ofSeconds(90)).get("status").asText()).isEqualTo("converted");
        }
        HttpResponse<String> notFound = api.get(token, "/api/v1/files/does-not-exist");
        assertThat(notFound.statusCode()).isEqualTo(404);
        HttpResponse<String> noFile = api.post(token, "/api/v1/files");
        assertThat(noFile.statusCode()).isEqualTo(400);

        // The terminal row is written before the pipeline sample; lag is polled every 2 s.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            List<Sample> now = scrape();
            assertThat(delta(before, now, "fileconv_pipeline_latency_seconds_count",
                    Map.of("region", "in", "outcome", "converted"))).isEqualTo(2);
            List<Sample> lag = select(now, "fileconv_kafka_consumer_lag", Map.of());
            assertThat(lag).as("one series per owned partition").hasSize(9);
            assertThat(lag).allSatisfy(s -> assertThat(s.value()).isZero());
        });
        List<Sample> after = scrape();

        assertThat(delta(before, after, "fileconv_conversions_total", Map.of())).isEqualTo(2);
        assertThat(delta(before, after, "fileconv_conversions_total", Map.of("outcome", "converted"))).isEqualTo(2);
        assertThat(delta(before, after, "fileconv_conversion_seconds_count", Map.of("type", "docx", "outcome", "converted")))
                .isEqualTo(1);
        assertThat(delta(before, after, "fileconv_conversion_seconds_sum", Map.of("type", "docx"))).isPositive();
        assertThat(delta(before, after, "fileconv_uploads_total", Map.of("region", "in"))).isEqualTo(2);
        assertThat(delta(before, after, "fileconv_pipeline_start_latency_seconds_count", Map.of("region", "in")))
                .isEqualTo(2);
        // Upload -> terminal includes CDC, Kafka and the conversion: more than nothing, less than the test took.
        double latency = delta(before, after, "fileconv_pipeline_latency_seconds_sum", Map.of("region", "in"));
        assertThat(latency).isPositive().isLessThan(2 * 90);
        assertThat(delta(before, after, "fileconv_cdc_delay_seconds_count", Map.of("region", "in"))).isGreaterThanOrEqualTo(2);

        assertThat(delta(before, after, "fileconv_http_requests_seconds_count", Map.of("route", "/api/v1/files/{id}",
                "method", "GET", "status", "404", "status_class", "4xx"))).isEqualTo(1);
        assertThat(delta(before, after, "fileconv_http_requests_seconds_count", Map.of("route", "/api/v1/files",
                "method", "POST", "status", "400", "status_class", "4xx"))).isEqualTo(1);
        assertThat(delta(before, after, "fileconv_http_requests_seconds_count", Map.of("route", "/api/v1/files",
                "method", "POST", "status", "201"))).isEqualTo(2);
        assertThat(sum(after, "fileconv_http_requests_seconds_bucket", Map.of("route", "/api/v1/files", "le", "+Inf")))
                .isEqualTo(sum(after, "fileconv_http_requests_seconds_count", Map.of("route", "/api/v1/files")));

        assertThat(delta(before, after, "fileconv_s3_requests_seconds_count", Map.of("operation", "PutObject",
                "outcome", "success"))).isGreaterThanOrEqualTo(2); // two inputs (PDFs go by presigned PUT, no SDK)
        assertThat(select(after, "hikaricp_connections_max", Map.of("pool", "worker-fileconv_in"))).isNotEmpty();
        assertThat(select(after, "hikaricp_connections_usage_seconds_count", Map.of())).isNotEmpty();
        assertThat(select(after, "jvm_memory_used_bytes", Map.of())).isNotEmpty();
        assertThat(select(after, "process_cpu_usage", Map.of())).isNotEmpty();

        // Bounded cardinality: no id of this test's files or user appears in any label.
        for (Sample s : after) {
            for (String id : ids) {
                assertThat(s.labels().values()).as(s.toString()).doesNotContain(id);
                assertThat(s.labels().values().stream().noneMatch(v -> v.contains(id))).as(s.toString()).isTrue();
            }
            assertThat(s.labels().values().stream().noneMatch(v -> v.contains("metrics-user"))).isTrue();
        }
        // Every fileconv series is one MetricNames declares (the contract the dashboard test relies on).
        assertThat(after.stream().map(Sample::name).filter(n -> n.startsWith("fileconv_")).distinct())
                .allSatisfy(n -> assertThat(MetricNames.exportedSeries()).contains(n));
    }

    record Sample(String name, Map<String, String> labels, double value) {
    }

    static List<Sample> scrape() throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + "/metrics"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
        List<Sample> out = new ArrayList<>();
        for (String line : r.body().split("\n")) {
            Matcher m = LINE.matcher(line);
            if (line.startsWith("#") || !m.matches()) {
                continue;
            }
            Map<String, String> labels = new LinkedHashMap<>();
            if (m.group(2) != null) {
                Matcher l = LABEL.matcher(m.group(2));
                while (l.find()) {
                    labels.put(l.group(1), l.group(2));
                }
            }
            out.add(new Sample(m.group(1), labels, Double.parseDouble(m.group(3))));
        }
        return out;
    }

    static List<Sample> select(List<Sample> samples, String name, Map<String, String> match) {
        return samples.stream().filter(s -> s.name().equals(name))
                .filter(s -> match.entrySet().stream().allMatch(e -> e.getValue().equals(s.labels().get(e.getKey()))))
                .toList();
    }

    static double sum(List<Sample> samples, String name, Map<String, String> match) {
        return select(samples, name, match).stream().mapToDouble(Sample::value).sum();
    }

    static double delta(List<Sample> before, List<Sample> after, String name, Map<String, String> match) {
        return sum(after, name, match) - sum(before, name, match);
    }
}
