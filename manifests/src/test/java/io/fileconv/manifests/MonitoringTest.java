package io.fileconv.manifests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariDataSource;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fileconv.core.Databases;
import io.fileconv.core.metrics.FileconvMetrics;
import io.fileconv.core.metrics.MetricNames;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dashboard and the alerts query only series the code exports: fileconv_* from MetricNames (which
 * MetricNamesTest ties to the recorders), the rules' own recorded series, and the standard jvm_/process_/hikaricp_
 * series as a real registry with the process binders and a HikariCP pool exports them.
 */
class MonitoringTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> PROMQL_WORDS = Set.of("sum", "min", "max", "avg", "count", "rate", "increase",
            "deriv", "irate", "delta", "histogram_quantile", "by", "without", "on", "ignoring", "group_left",
            "group_right", "and", "or", "unless", "bool", "offset", "vector", "time", "abs", "clamp_min", "clamp_max",
            "min_over_time", "max_over_time", "avg_over_time", "topk", "bottomk", "inf", "nan");

    private static List<HasMetadata> objects;
    private static Set<String> exported;

    @BeforeAll
    static void setUp() {
        objects = Chart.renderObjects(t -> t.withValuesFile(Chart.threeRegionValues()));
        exported = new HashSet<>(MetricNames.exportedSeries());
        PrometheusMeterRegistry registry = FileconvMetrics.create("contract");
        // Unreachable database: the pool starts without connecting (initializationFailTimeout -1) and registers
        // its meters, which is all this needs.
        try (HikariDataSource ignored = Databases.pool("jdbc:mariadb://127.0.0.1:1/", "contract", "u", "p", 1, registry)) {
            Matcher m = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)[{ ]", Pattern.MULTILINE).matcher(registry.scrape());
            while (m.find()) {
                exported.add(m.group(1));
            }
        }
    }

    @Test
    void dashboardHasAPanelPerMeterAndQueriesOnlyExportedSeries() throws Exception {
        ConfigMap cm = Chart.ofType(objects, ConfigMap.class).stream()
                .filter(c -> c.getMetadata().getName().endsWith("-dashboard")).findFirst().orElseThrow();
        assertThat(cm.getMetadata().getLabels()).containsEntry("grafana_dashboard", "1");
        JsonNode dash = JSON.readTree(cm.getData().get("fileconv.json"));
        assertThat(dash).isEqualTo(JSON.readTree(Repo.path("charts/fileconv/dashboards/fileconv.json").toFile()));
        List<String> exprs = new ArrayList<>();
        dash.get("panels").forEach(p -> p.get("targets").forEach(t -> exprs.add(t.get("expr").asText())));
        Set<String> used = metricNames(exprs);
        assertThat(used).isNotEmpty();
        Set<String> known = new HashSet<>(exported);
        known.addAll(recordedSeries());
        assertThat(used).allSatisfy(n -> assertThat(known).as("exported or recorded: " + n).contains(n));
        // One panel per meter of MetricNames, and the pool, JVM and process panels.
        for (MetricNames.Meter m : MetricNames.ALL) {
            assertThat(used.stream().anyMatch(u -> m.series().contains(u))).as(m.name()).isTrue();
        }
        assertThat(used).contains("hikaricp_connections_active", "jvm_memory_used_bytes", "process_cpu_usage",
                "fileconv:conversion_success:ratio_rate1h");
    }

    @Test
    void rulesQueryOnlyExportedSeriesAndCoverEveryAlertOfTheIssue() {
        List<String> exprs = new ArrayList<>();
        List<String> alerts = new ArrayList<>();
        for (JsonNode group : rule().path("groups")) {
            for (JsonNode r : group.path("rules")) {
                exprs.add(r.get("expr").asText());
                if (r.has("alert")) {
                    alerts.add(r.get("alert").asText());
                }
            }
        }
        Set<String> known = new HashSet<>(exported);
        known.addAll(recordedSeries());
        assertThat(metricNames(exprs)).allSatisfy(n -> assertThat(known).as("exported or recorded: " + n).contains(n));
        assertThat(alerts).containsExactlyInAnyOrder("FileconvConsumerLagGrowing", "FileconvApi5xxRatioHigh",
                "FileconvConversionSuccessLow", "FileconvPipelineLatencyHigh", "FileconvNoConversions",
                "FileconvRegionMigrationFailed", "FileconvConverterQueueStuck", "FileconvConverterPodsLost",
                "FileconvPoisonEvents", "FileconvSweeperRepairing", "FileconvWebhooksFailing",
                "FileconvApiServerWritesHigh", "FileconvApiServerThrottling", "FileconvFileConversionsPilingUp");
        String all = String.join("\n", exprs);
        // Thresholds come from values.yaml.
        assertThat(all).contains("> 0.01", "< 0.99", "> 300", "[10m])) > 250", "max(fileconv_fileconversions) > 50000");
    }

    @Test
    void defaultsRenderNeitherDashboardNorRules() {
        List<HasMetadata> defaults = Chart.renderObjects(t -> t);
        assertThat(defaults).noneMatch(o -> o.getKind().equals("PrometheusRule"));
        assertThat(defaults).noneMatch(o -> o.getMetadata().getName().endsWith("-dashboard"));
    }

    @Test
    void extractionFindsMetricsButNotFunctionsLabelsOrStrings() {
        assertThat(metricNames(List.of("histogram_quantile(0.99, sum by (le, region) (rate(a_b_bucket{x=\"y_z\"}[5m])))"
                + " / ignoring(q) c:d:e > 0 and (sum(x_total) or vector(0)) == 0")))
                .containsExactlyInAnyOrder("a_b_bucket", "c:d:e", "x_total");
    }

    private static JsonNode rule() {
        GenericKubernetesResource r = objects.stream().filter(o -> o.getKind().equals("PrometheusRule"))
                .map(GenericKubernetesResource.class::cast).findFirst().orElseThrow();
        assertThat(r.getMetadata().getLabels()).containsEntry("release", "kube-prometheus-stack");
        return JSON.valueToTree(r.getAdditionalProperties().get("spec"));
    }

    private static Set<String> recordedSeries() {
        Set<String> out = new TreeSet<>();
        rule().path("groups").forEach(g -> g.path("rules").forEach(r -> {
            if (r.has("record")) {
                out.add(r.get("record").asText());
            }
        }));
        return out;
    }

    /** Series names in PromQL: identifiers that are not functions, keywords, label names, or inside strings. */
    static Set<String> metricNames(List<String> exprs) {
        Set<String> out = new TreeSet<>();
        for (String e : exprs) {
            String s = e.replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"")   // strings
                    .replaceAll("\\{[^}]*}", "")                          // label matchers
                    .replaceAll("\\[[^]]*]", "")                          // ranges and subqueries
                    .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", "");
            Matcher m = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(\\s*\\()?").matcher(s);
            while (m.find()) {
                if (m.group(2) == null && !PROMQL_WORDS.contains(m.group(1))) {
                    out.add(m.group(1));
                }
            }
        }
        return out;
    }

}
