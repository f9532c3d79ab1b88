package io.fileconv.manifests;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.rbac.Role;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The chart's crds/ is a copy of the generated repository-root crds/ (Helm and Argo CD read the chart from Git
 * and never run Maven). These tests keep the copy exact; -Dfileconv.syncCrds=true refreshes it.
 */
@ExtendWith(ReportSkips.class)
class CrdSyncTest {
    private static final Path GENERATED = Repo.path("crds");
    private static final Path CHART = Repo.path("charts/fileconv/crds");

    private static Map<String, String> yamlFiles(Path dir) throws IOException {
        Map<String, String> out = new TreeMap<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yml") || p.toString().endsWith(".yaml")).toList()) {
                out.put(f.getFileName().toString(), Files.readString(f));
            }
        }
        return out;
    }

    private static void assumeGenerated() throws IOException {
        assumeTrue(!yamlFiles(GENERATED).isEmpty(),
                "repository-root crds/ does not exist yet (the operator's crd-generator has not landed on this "
                        + "branch); the chart's CRD copy cannot be compared until it does");
    }

    /**
     * Syncs before any test runs, not inside one: JUnit's method order is not declaration order, and a sync done
     * by one test made the other fail or pass depending on which ran first.
     */
    @BeforeAll
    static void syncWhenAsked() throws IOException {
        if (!Boolean.getBoolean("fileconv.syncCrds") || yamlFiles(GENERATED).isEmpty()) {
            return;
        }
        for (String stale : yamlFiles(CHART).keySet()) {
            Files.delete(CHART.resolve(stale));
        }
        for (String name : yamlFiles(GENERATED).keySet()) {
            Files.copy(GENERATED.resolve(name), CHART.resolve(name), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    @Test
    void chartCrdsEqualGeneratedCrds() throws IOException {
        assumeGenerated();
        Map<String, String> generated = yamlFiles(GENERATED);
        assertThat(yamlFiles(CHART))
                .as("charts/fileconv/crds differs from crds/; run: mvn -pl manifests -am test -Dfileconv.syncCrds=true")
                .isEqualTo(generated);
    }

    @Test
    void chartCrdsAreTheFileconvResourcesTheRbacNames() throws IOException {
        assumeGenerated();
        // Helm installs crds/ verbatim (helm template does not print them), so parse the files themselves.
        Map<String, CustomResourceDefinition> crds = new TreeMap<>();
        for (String yaml : yamlFiles(CHART).values()) {
            for (var doc : Repo.yamlDocuments(yaml)) {
                HasMetadata o = Chart.SERIALIZATION.unmarshal(doc.toString());
                assertThat(o).isInstanceOf(CustomResourceDefinition.class);
                crds.put(o.getMetadata().getName(), (CustomResourceDefinition) o);
            }
        }
        assertThat(crds).as("CRDs parsed from charts/fileconv/crds")
                .containsOnlyKeys("fileconversions.fileconv.io", "regionmigrations.fileconv.io");
        crds.values().forEach(c -> {
            assertThat(ModelChecks.unknownFields(c)).as(c.getMetadata().getName()).isEmpty();
            assertThat(c.getSpec().getScope()).isEqualTo("Namespaced");
            assertThat(c.getSpec().getVersions()).anyMatch(v -> v.getName().equals("v1alpha1") && v.getServed() && v.getStorage());
        });
        assertThat(crds.get("fileconversions.fileconv.io").getSpec().getNames().getShortNames()).contains("fc");
        assertThat(crds.get("regionmigrations.fileconv.io").getSpec().getNames().getShortNames()).contains("rmig");
        // The operator's Role must name exactly these plurals (a renamed CRD would otherwise leave it powerless).
        Set<String> plurals = new TreeSet<>();
        crds.values().forEach(c -> plurals.add(c.getSpec().getNames().getPlural()));
        Set<String> granted = new TreeSet<>();
        Chart.ofType(Chart.renderObjects(t -> t), Role.class).forEach(r -> r.getRules().stream()
                .filter(rule -> rule.getApiGroups().contains("fileconv.io"))
                .forEach(rule -> rule.getResources().forEach(res -> granted.add(res.split("/")[0]))));
        assertThat(granted).isEqualTo(plurals);
    }
}
