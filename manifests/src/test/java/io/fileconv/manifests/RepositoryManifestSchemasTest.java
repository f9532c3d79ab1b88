package io.fileconv.manifests;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import io.fileconv.core.Region;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every object this repository deploys, validated by ManifestSchemas: charts/fileconv (hooks included) with its default
 * values, with each cell's values as Argo CD gives them (deploy/argocd/cells.yaml) and with the single-cluster test
 * values; strimzi/ with each cell's values; and every YAML document under deploy/argocd/ (found recursively).
 * One test per source, failing with all of that source's violations.
 */
class RepositoryManifestSchemasTest {
    static Stream<Arguments> sources() throws IOException {
        List<Arguments> out = new ArrayList<>();
        out.add(Arguments.of("chart with default values", (Supplier<List<JsonNode>>) () -> Repo.yamlDocuments(Chart.renderWithHooksYaml(List.of()))));
        out.add(Arguments.of("chart with the three-region test values", (Supplier<List<JsonNode>>) () ->
                Repo.yamlDocuments(Chart.renderWithHooksYaml(List.of(Chart.threeRegionValues())))));
        for (Region region : Region.values()) {
            out.add(Arguments.of("chart of the " + region.code() + " cell", (Supplier<List<JsonNode>>) () ->
                    Repo.yamlDocuments(Chart.renderWithHooksYaml(Chart.cellValues(region.code())))));
            out.add(Arguments.of("strimzi/ of the " + region.code() + " cell", (Supplier<List<JsonNode>>) () ->
                    Repo.yamlDocuments(KafkaCellChart.render(region.code()))));
        }
        for (Path file : manifestFiles()) {
            out.add(Arguments.of(Repo.root().relativize(file).toString(), (Supplier<List<JsonNode>>) () -> Repo.yamlDocuments(file)));
        }
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

    /** YAML files under deploy/argocd; the charts are validated as rendered above. */
    private static List<Path> manifestFiles() throws IOException {
        try (Stream<Path> files = Files.walk(Repo.path("deploy/argocd"))) {
            return files.filter(p -> p.toString().matches(".*\\.ya?ml")).sorted().toList();
        }
    }
}
