package io.fileconv.manifests;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** ArgoCdChartReleases resolves what Argo CD would pass to Helm, and says what it cannot resolve. */
class ArgoCdChartReleasesTest {
    @Test
    void listGeneratedCellsBecomeOneReleaseEach() {
        var set = Repo.yamlDocuments("""
                apiVersion: argoproj.io/v1alpha1
                kind: ApplicationSet
                metadata: {name: cells}
                spec:
                  goTemplate: true
                  generators:
                  - list: {elements: [{region: in, values: {ns: fileconv-in}}, {region: us, values: {ns: fileconv-us}}]}
                  - clusters: {selector: {matchLabels: {cell: "true"}}}
                  template:
                    metadata: {name: "fileconv-{{.region}}"}
                    spec:
                      project: fileconv
                      source:
                        repoURL: https://github.com/fileconv/fileconv.git
                        path: charts/fileconv
                        helm: {valueFiles: ["values-{{ .region }}.yaml", "$values/deploy/{{.region}}.yaml"], ignoreMissingValueFiles: true, valuesObject: {region: "{{.region}}"}}
                      destination: {name: "{{.region}}", namespace: "{{.values.ns}}"}
                """);
        List<String> skipped = new ArrayList<>();
        var releases = ArgoCdChartReleases.of(set, skipped);
        assertThat(releases).extracting(ArgoCdChartReleases.Release::label)
                .containsExactly("ApplicationSet cells -> fileconv-in", "ApplicationSet cells -> fileconv-us");
        var in = releases.get(0);
        assertThat(in.name()).isEqualTo("fileconv-in");
        assertThat(in.namespace()).isEqualTo("fileconv-in");
        assertThat(in.inlineValues()).containsExactly("{\"region\":\"in\"}");
        // Missing files are dropped only because ignoreMissingValueFiles is set.
        assertThat(in.valueFiles()).allMatch(p -> p.toFile().exists());
        assertThat(skipped).singleElement().asString().contains("generator clusters");
    }

    @Test
    void missingValueFilesStayUnlessIgnoredSoHelmReportsThem() {
        var app = Repo.yamlDocuments("""
                apiVersion: argoproj.io/v1alpha1
                kind: Application
                metadata: {name: fileconv-uk}
                spec:
                  project: fileconv
                  source: {repoURL: x, path: charts/fileconv/, helm: {releaseName: fileconv, valueFiles: [values-three-regions.yaml, values-nowhere.yaml]}}
                  destination: {name: uk, namespace: fileconv}
                """);
        var release = ArgoCdChartReleases.of(app, new ArrayList<>()).get(0);
        assertThat(release.name()).isEqualTo("fileconv");
        assertThat(release.valueFiles()).containsExactly(Chart.threeRegionValues(), Chart.dir().resolve("values-nowhere.yaml"));
    }
}
