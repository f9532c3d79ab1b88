package io.fileconv.manifests;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every object this repository deploys, validated by ManifestSchemas: the chart rendered with its default values and
 * with each values-*.yaml beside it (and each values*.yaml under deploy/), the chart as each Argo CD Application (or
 * list-generated ApplicationSet element) in deploy/argocd/ renders it, and every YAML document under strimzi/ and
 * deploy/argocd/ (found recursively).
 * One test per source, failing with all of that source's violations.
 */
class RepositoryManifestSchemasTest {
    private static final List<String> MANIFEST_DIRS = List.of("strimzi", "deploy/argocd");

    static Stream<Arguments> sources() throws IOException {
        List<Arguments> out = new ArrayList<>();
        out.add(Arguments.of("chart with default values", (Supplier<List<JsonNode>>) () ->
                Repo.yamlDocuments(Chart.render(t -> t))));
        for (Path values : chartValuesFiles()) {
            out.add(Arguments.of("chart with " + Repo.root().relativize(values), (Supplier<List<JsonNode>>) () ->
                    Repo.yamlDocuments(Chart.render(t -> t.withValuesFile(values)))));
        }
        List<JsonNode> argoObjects = new ArrayList<>();
        for (Path file : manifestFiles()) {
            out.add(Arguments.of(Repo.root().relativize(file).toString(), (Supplier<List<JsonNode>>) () -> objectsIn(file)));
            if (file.startsWith(Repo.path("deploy/argocd"))) {
                argoObjects.addAll(objectsIn(file));
            }
        }
        List<String> skipped = new ArrayList<>();
        for (var release : ArgoCdChartReleases.of(argoObjects, skipped)) {
            out.add(Arguments.of("chart as " + release.label() + " renders it", (Supplier<List<JsonNode>>) () ->
                    Repo.yamlDocuments(release.render())));
        }
        skipped.forEach(reason -> System.out.println("[SKIPPED] chart release of " + reason));
        return out.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sources")
    void everyObjectMatchesItsPublishedSchema(String source, Supplier<List<JsonNode>> objects) {
        List<JsonNode> docs = objects.get();
        assertThat(docs).as(source + " has objects").isNotEmpty();
        List<String> violations = ManifestSchemas.violations(docs);
        assertThat(violations).as("%s: %d schema violations:%n  %s", source, violations.size(),
                String.join(System.lineSeparator() + "  ", violations)).isEmpty();
    }

    @Test
    void theDirectoriesAndTheThreeRegionValuesAreFound() throws IOException {
        assertThat(manifestFiles()).extracting(p -> Repo.root().relativize(p).toString())
                .anyMatch(p -> p.startsWith("strimzi/")).anyMatch(p -> p.startsWith("deploy/argocd/"));
        assertThat(chartValuesFiles()).contains(Chart.threeRegionValues());
    }

    /** The chart's values-*.yaml, and any values*.yaml under deploy/ (per-cell values an Argo CD source may name). */
    private static List<Path> chartValuesFiles() throws IOException {
        List<Path> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(Chart.dir())) {
            files.filter(p -> p.getFileName().toString().matches("values-.*\\.ya?ml")).sorted().forEach(out::add);
        }
        try (Stream<Path> files = Files.walk(Repo.path("deploy"))) {
            files.filter(p -> p.getFileName().toString().matches("values.*\\.ya?ml")).sorted().forEach(out::add);
        }
        return out;
    }

    /** YAML files under the manifest directories; Helm templates ({{ ... }}) are not YAML until rendered. */
    private static List<Path> manifestFiles() throws IOException {
        List<Path> out = new ArrayList<>();
        for (String dir : MANIFEST_DIRS) {
            try (Stream<Path> files = Files.walk(Repo.path(dir))) {
                for (Path file : files.filter(p -> p.toString().matches(".*\\.ya?ml")).sorted().toList()) {
                    if (Repo.read(file).contains("{{")) {
                        System.out.println("[SKIPPED] " + Repo.root().relativize(file) + " because it is a template ({{ }})");
                    } else {
                        out.add(file);
                    }
                }
            }
        }
        return out;
    }

    /** Documents with neither apiVersion nor kind (e.g. Helm values files kept beside Argo CD objects) are not objects. */
    private static List<JsonNode> objectsIn(Path file) {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode doc : Repo.yamlDocuments(file)) {
            if (!doc.has("apiVersion") && !doc.has("kind")) {
                System.out.println("[SKIPPED] a document in " + Repo.root().relativize(file)
                        + " because it has neither apiVersion nor kind (not a Kubernetes object)");
            } else {
                out.add(doc);
            }
        }
        return out;
    }
}
