package io.fileconv.manifests;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fileconv.core.Region;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docs/CONFIGURATION.md is the contract between code and chart: the chart sets only variables named there, and
 * every variable the operator and retry code read is either set by the chart or has a documented default.
 */
class EnvContractTest {
    private static final Pattern NAME = Pattern.compile("`([A-Z][A-Z0-9_]*(?:<REGION>)?)`");
    /** A variable name the code reads: a string literal; one ending in "_" is a prefix (per-region names). */
    private static final Pattern READ = Pattern.compile("\"((?:FILECONV_[A-Z0-9_]*)|HOSTNAME)\"");
    private static final Set<String> NO_DEFAULT = Set.of("none", "required");

    /** A documented variable: its name pattern and, for table rows, the default column (null in prose). */
    record Documented(String name, Pattern pattern, String defaultValue) {
        boolean hasDefault() {
            return defaultValue != null && !NO_DEFAULT.contains(defaultValue);
        }
    }

    /**
     * Variables per section heading. In a table only the first column names variables (others are mentioned in
     * the meaning column, e.g. what the operator passes on to Jobs); in prose every backticked name counts.
     */
    static Map<String, List<Documented>> contract() {
        Map<String, List<Documented>> sections = new LinkedHashMap<>();
        String heading = null;
        for (String line : Repo.read(Repo.path("docs/CONFIGURATION.md")).split("\n")) {
            if (line.startsWith("## ")) {
                heading = line.substring(3).trim();
                sections.put(heading, new ArrayList<>());
            } else if (heading != null && line.startsWith("| `")) {
                String[] cells = line.split("\\|");
                String[] defaults = cells[cells.length - 1].trim().replace("`", "").split(" / ");
                Matcher m = NAME.matcher(cells[1]);
                for (int i = 0; m.find(); i++) {
                    String d = defaults[Math.min(i, defaults.length - 1)].trim();
                    sections.get(heading).add(documented(m.group(1), d));
                }
            } else if (heading != null && !line.startsWith("|")) {
                Matcher m = NAME.matcher(line);
                while (m.find()) {
                    sections.get(heading).add(documented(m.group(1), null));
                }
            }
        }
        return sections;
    }

    private static Documented documented(String name, String defaultValue) {
        return new Documented(name, Pattern.compile(name.replace("<REGION>", "[A-Z]+")), defaultValue);
    }

    private static List<Documented> documented(String deployable) {
        List<Documented> out = new ArrayList<>();
        contract().forEach((heading, names) -> {
            if (heading.startsWith("Shared") || heading.startsWith("Not fileconv") || heading.startsWith(deployable)) {
                out.addAll(names);
            }
        });
        assertThat(out).as("CONFIGURATION.md has a section for " + deployable).isNotEmpty();
        return out;
    }

    private static List<Pattern> allowed(String deployable) {
        return documented(deployable).stream().map(Documented::pattern).toList();
    }

    private static void assertContainerHonoursContract(String owner, Container c, String deployable, Set<String> required) {
        List<Pattern> allowed = allowed(deployable);
        Set<String> names = c.getEnv().stream().map(EnvVar::getName).collect(Collectors.toSet());
        assertThat(names).as("%s sets variables missing from docs/CONFIGURATION.md (%s)", owner, deployable)
                .allMatch(n -> allowed.stream().anyMatch(p -> p.matcher(n).matches()));
        assertThat(names).as(owner).containsAll(required);
    }

    /** Names the given sources read (string literals); core's Env holds the shared ones. */
    private static Set<String> readBy(String... sources) {
        Set<String> out = new TreeSet<>();
        for (String source : sources) {
            Matcher m = READ.matcher(Repo.read(Repo.path(source)));
            while (m.find()) {
                out.add(m.group(1));
            }
        }
        return out;
    }

    private static final String ENV = "core/src/main/java/io/fileconv/core/Env.java";
    private static final String OPERATOR_ENV = "operator/src/main/java/io/fileconv/operator/k8s/OperatorEnvironment.java";
    private static final String RETRY_MAIN = "pipeline/src/main/java/io/fileconv/pipeline/retry/RetryCommand.java";
    /** The RegionMigration controller's settings (RegionMove.Settings.from, called by OperatorMain). */
    private static final String MIGRATION = "core/src/main/java/io/fileconv/core/migration/RegionMove.java";
    private static final String DISPATCHER = "pipeline/src/main/java/io/fileconv/pipeline/dispatch/Dispatcher.java";
    /** The webhook deliverer's settings and the address allow-list (read by the API as well). */
    private static final String WEBHOOKS = "pipeline/src/main/java/io/fileconv/pipeline/webhook/WebhookDeliverer.java";
    /** The leader's sweeper and retention job (their Settings.from, called through OperatorEnvironment). */
    private static final String SWEEPER = "pipeline/src/main/java/io/fileconv/pipeline/sweep/ConversionSweeper.java";
    private static final String RETENTION = "pipeline/src/main/java/io/fileconv/pipeline/retention/RetentionSweep.java";
    private static final String WEBHOOK_POLICY = "core/src/main/java/io/fileconv/core/webhook/WebhookAddressPolicy.java";

    @Test
    void everyVariableTheChartSetsIsInTheContract() {
        for (List<HasMetadata> objects : renders()) {
            Chart.podSpecs(objects).forEach((owner, pod) -> {
                Container c = pod.getContainers().get(0);
                if (owner.contains("-api-")) {
                    assertContainerHonoursContract(owner, c, "API", Set.of("FILECONV_REGIONS", "FILECONV_PORT", "FILECONV_DB_URL",
                            "FILECONV_DB_USER", "FILECONV_DB_PASSWORD", "FILECONV_JWT_AUDIENCE", "FILECONV_DEV_ISSUER"));
                } else if (owner.endsWith("-operator")) {
                    assertContainerHonoursContract(owner, c, "Operator", Set.of("FILECONV_REGIONS", "FILECONV_KAFKA_BOOTSTRAP",
                            "FILECONV_DB_URL", "FILECONV_CONVERTER_IMAGE", "FILECONV_OPERATOR_NAMESPACE"));
                } else if (owner.endsWith("-retry")) {
                    assertContainerHonoursContract(owner, c, "Retry", Set.of("FILECONV_REGIONS", "FILECONV_DB_URL",
                            "FILECONV_RETRY_MAX_ATTEMPTS"));
                } else {
                    throw new AssertionError("workload without a contract section: " + owner);
                }
            });
            Chart.ofType(objects, Job.class).forEach(job -> assertContainerHonoursContract(
                    job.getMetadata().getName(), job.getSpec().getTemplate().getSpec().getContainers().get(0), "Migration job",
                    Set.of("FILECONV_REGIONS", "FILECONV_DB_URL", "FILECONV_DB_USER", "FILECONV_DB_PASSWORD")));
        }
    }

    /** Default values, the three-region test values and each cell, with the Helm hooks. */
    private static List<List<HasMetadata>> renders() {
        List<List<HasMetadata>> out = new ArrayList<>(List.of(Chart.renderWithHooks(List.of()),
                Chart.renderWithHooks(List.of(Chart.threeRegionValues()))));
        for (Region region : Region.values()) {
            out.add(Chart.renderWithHooks(Chart.cellValues(region.code())));
        }
        return out;
    }

    /** The reverse direction: what the code reads is set by the chart or has a documented default. */
    private static void assertCodeIsServed(String ownerSuffix, String deployable, Set<String> read) {
        List<Documented> docs = documented(deployable);
        for (List<HasMetadata> objects : List.of(Chart.renderObjects(t -> t),
                Chart.renderObjects(t -> t.withValuesFile(Chart.threeRegionValues())))) {
            Container c = Chart.podSpecs(objects).entrySet().stream().filter(e -> e.getKey().endsWith(ownerSuffix))
                    .findFirst().orElseThrow().getValue().getContainers().get(0);
            Set<String> set = c.getEnv().stream().map(EnvVar::getName).collect(Collectors.toSet());
            for (String name : read) {
                boolean prefix = name.endsWith("_");
                boolean chartSets = prefix ? set.stream().anyMatch(n -> n.startsWith(name)) : set.contains(name);
                List<Documented> rows = docs.stream().filter(d -> d.defaultValue() != null
                        && (prefix ? d.name().equals(name + "<REGION>") : d.pattern().matcher(name).matches())).toList();
                assertThat(rows).as("%s reads %s, which docs/CONFIGURATION.md (%s) has no table row for",
                        deployable, name, deployable).isNotEmpty();
                assertThat(chartSets || rows.stream().anyMatch(Documented::hasDefault))
                        .as("%s reads %s: the chart must set it, having no default", deployable, name).isTrue();
            }
        }
    }

    @Test
    void everyVariableTheOperatorReadsIsSetOrDefaulted() {
        Set<String> read = readBy(OPERATOR_ENV, ENV, MIGRATION, DISPATCHER, WEBHOOKS, WEBHOOK_POLICY, SWEEPER, RETENTION);
        assertThat(read).as("the scan found the operator's names")
                .contains("FILECONV_CONVERTER_IMAGE", "FILECONV_OPERATOR_NAMESPACE", "FILECONV_KAFKA_BOOTSTRAP");
        assertCodeIsServed("-operator", "Operator", read);
    }

    @Test
    void everyVariableTheRetryJobReadsIsSetOrDefaulted() {
        Set<String> read = readBy(RETRY_MAIN);
        assertThat(read).contains("FILECONV_RETRY_MAX_ATTEMPTS");
        read.addAll(Set.of("FILECONV_REGIONS", "FILECONV_DB_URL", "FILECONV_DB_USER", "FILECONV_DB_PASSWORD"));
        assertCodeIsServed("-retry", "Retry", read);
    }

    @Test
    void everyAbuseLimitTheApiReadsIsSetOrDefaulted() {
        // The API's limit settings (per-user limits, image pixels, slow clients, token types): documented, and set by
        // the chart or defaulted. The API's older settings are covered by the first test's direction only.
        Set<String> read = readBy("api/src/main/java/io/fileconv/api/UploadLimits.java",
                "api/src/main/java/io/fileconv/api/HttpLimits.java", "api/src/main/java/io/fileconv/api/ArchiveInspector.java",
                WEBHOOK_POLICY);
        assertThat(read).contains("FILECONV_USER_UPLOADS_PER_MINUTE", "FILECONV_USER_MAX_IN_FLIGHT",
                "FILECONV_MAX_IMAGE_PIXELS", "FILECONV_HTTP_HEADER_TIMEOUT_SECONDS", "FILECONV_ARCHIVE_MAX_MARKUP_BYTES");
        read.add("FILECONV_JWT_TYPES");
        assertCodeIsServed("-api-in", "API", read);
    }

    @Test
    void everyDocumentedOperatorVariableIsReadByTheCode() {
        // A row the code does not read is a setting that silently does nothing (the two merged sections had many).
        Set<String> read = readBy(OPERATOR_ENV, ENV, MIGRATION, DISPATCHER, WEBHOOKS, WEBHOOK_POLICY, SWEEPER, RETENTION);
        List<String> operatorRows = contract().entrySet().stream().filter(e -> e.getKey().startsWith("Operator"))
                .flatMap(e -> e.getValue().stream()).filter(d -> d.defaultValue() != null).map(Documented::name).toList();
        assertThat(operatorRows).isNotEmpty().allSatisfy(n -> assertThat(read).as("read by the operator").contains(n));
        assertThat(contract().keySet().stream().filter(h -> h.startsWith("Operator"))).as("one Operator section")
                .hasSize(1);
    }

    @Test
    void contractParserSeesTheDocumentedNames() {
        // Guards the parser itself: if it found nothing, the tests above would pass vacuously for nothing.
        assertThat(allowed("API")).anyMatch(p -> p.matcher("FILECONV_REGION_URL_IN").matches())
                .noneMatch(p -> p.matcher("FILECONV_CONVERTER_IMAGE").matches());
        assertThat(allowed("Operator")).anyMatch(p -> p.matcher("FILECONV_CONVERTER_IMAGE").matches())
                .anyMatch(p -> p.matcher("JAVA_TOOL_OPTIONS").matches())
                .as("a name in the meaning column is not a setting of the operator")
                .noneMatch(p -> p.matcher("FILECONV_TIMEOUT_SECONDS").matches());
        assertThat(documented("Operator")).filteredOn(d -> d.name().equals("FILECONV_CONVERTER_CPU_LIMIT"))
                .singleElement().extracting(Documented::defaultValue).isEqualTo("1");
    }
}
