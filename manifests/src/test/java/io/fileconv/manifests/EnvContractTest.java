package io.fileconv.manifests;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** docs/CONFIGURATION.md is the contract between code and chart: the chart sets only variables named there. */
class EnvContractTest {
    private static final Pattern NAME = Pattern.compile("`([A-Z][A-Z0-9_]*(?:<REGION>)?)`");

    /** Variable patterns per section heading prefix ("Shared", "API", "Operator", ...). */
    static Map<String, List<Pattern>> contract() {
        Map<String, List<Pattern>> sections = new LinkedHashMap<>();
        String heading = null;
        for (String line : Repo.read(Repo.path("docs/CONFIGURATION.md")).split("\n")) {
            if (line.startsWith("## ")) {
                heading = line.substring(3).trim();
                sections.put(heading, new java.util.ArrayList<>());
            } else if (heading != null) {
                Matcher m = NAME.matcher(line);
                while (m.find()) {
                    sections.get(heading).add(Pattern.compile(m.group(1).replace("<REGION>", "[A-Z]+")));
                }
            }
        }
        return sections;
    }

    private static List<Pattern> allowed(String deployable) {
        Map<String, List<Pattern>> c = contract();
        List<Pattern> out = new java.util.ArrayList<>();
        c.forEach((heading, names) -> {
            if (heading.startsWith("Shared") || heading.startsWith("Not fileconv") || heading.startsWith(deployable)) {
                out.addAll(names);
            }
        });
        assertThat(out).as("CONFIGURATION.md has a section for " + deployable).isNotEmpty();
        return out;
    }

    private static void assertContainerHonoursContract(String owner, Container c, String deployable, Set<String> required) {
        List<Pattern> allowed = allowed(deployable);
        Set<String> names = c.getEnv().stream().map(EnvVar::getName).collect(Collectors.toSet());
        assertThat(names).as("%s sets variables missing from docs/CONFIGURATION.md (%s)", owner, deployable)
                .allMatch(n -> allowed.stream().anyMatch(p -> p.matcher(n).matches()));
        assertThat(names).as(owner).containsAll(required);
    }

    @Test
    void everyVariableTheChartSetsIsInTheContract() {
        for (List<HasMetadata> objects : List.of(Chart.renderObjects(t -> t),
                Chart.renderObjects(t -> t.withValuesFile(Chart.threeRegionValues())))) {
            Chart.podSpecs(objects).forEach((owner, pod) -> {
                Container c = pod.getContainers().get(0);
                if (owner.contains("-api-")) {
                    assertContainerHonoursContract(owner, c, "API", Set.of("FILECONV_REGIONS", "FILECONV_PORT", "FILECONV_DB_URL",
                            "FILECONV_DB_USER", "FILECONV_DB_PASSWORD", "FILECONV_JWT_AUDIENCE", "FILECONV_DEV_ISSUER"));
                } else if (owner.endsWith("-operator")) {
                    assertContainerHonoursContract(owner, c, "Operator", Set.of("FILECONV_REGIONS", "FILECONV_KAFKA_BOOTSTRAP",
                            "FILECONV_DB_URL", "FILECONV_CONVERTER_IMAGE", "FILECONV_NAMESPACE", "FILECONV_POD_NAME"));
                } else if (owner.endsWith("-retry")) {
                    assertContainerHonoursContract(owner, c, "Retry", Set.of("FILECONV_REGIONS", "FILECONV_DB_URL",
                            "FILECONV_RETRY_MAX_ATTEMPTS"));
                } else {
                    throw new AssertionError("workload without a contract section: " + owner);
                }
            });
        }
    }

    @Test
    void contractParserSeesTheDocumentedNames() {
        // Guards the parser itself: if it found nothing, the test above would pass vacuously for nothing.
        assertThat(allowed("API")).anyMatch(p -> p.matcher("FILECONV_REGION_URL_IN").matches())
                .noneMatch(p -> p.matcher("FILECONV_CONVERTER_IMAGE").matches());
        assertThat(allowed("Operator")).anyMatch(p -> p.matcher("FILECONV_CONVERTER_IMAGE").matches());
    }
}
