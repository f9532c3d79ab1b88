package io.fileconv.manifests;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** deploy/argocd parsed as plain YAML: waves in order, and every path and values file named exists. */
class ArgoCdTest {
    private static final String REPO_URL = "https://github.com/fileconv/fileconv.git";
    private static final Map<String, JsonNode> apps = new TreeMap<>();
    private static JsonNode root;

    @BeforeAll
    static void parse() throws IOException {
        root = single(Repo.path("deploy/argocd/fileconv.yaml"));
        try (Stream<Path> files = Files.list(Repo.path("deploy/argocd/apps"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).toList()) {
                JsonNode app = single(f);
                apps.put(app.path("metadata").path("name").asText(), app);
            }
        }
    }

    private static JsonNode single(Path file) {
        List<JsonNode> docs = Repo.yamlDocuments(file);
        assertThat(docs).as(file.toString()).hasSize(1);
        JsonNode doc = docs.get(0);
        assertThat(doc.path("apiVersion").asText()).as(file.toString()).isEqualTo("argoproj.io/v1alpha1");
        assertThat(doc.path("kind").asText()).as(file.toString()).isEqualTo("Application");
        return doc;
    }

    @Test
    void rootPointsAtTheAppsFolder() {
        assertThat(root.at("/spec/source/path").asText()).isEqualTo("deploy/argocd/apps");
        assertThat(Files.isDirectory(Repo.path(root.at("/spec/source/path").asText()))).isTrue();
        assertThat(root.at("/spec/source/repoURL").asText()).isEqualTo(REPO_URL);
    }

    @Test
    void syncWavesInstallCrdsThenKafkaThenConnectThenOperatorThenApi() {
        List<String> byWave = new ArrayList<>(apps.keySet());
        byWave.sort((a, b) -> Integer.compare(wave(apps.get(a)), wave(apps.get(b))));
        assertThat(byWave).containsExactly("fileconv-crds", "fileconv-kafka", "fileconv-connect", "fileconv-operator", "fileconv-api");
        assertThat(apps.values().stream().map(ArgoCdTest::wave).distinct().count()).as("distinct waves").isEqualTo(apps.size());
    }

    private static int wave(JsonNode app) {
        return Integer.parseInt(app.at("/metadata/annotations").path("argocd.argoproj.io/sync-wave").asText());
    }

    @Test
    void everyPathIncludedFileAndValuesFileExists() {
        for (JsonNode app : apps.values()) {
            String name = app.at("/metadata/name").asText();
            JsonNode source = app.at("/spec/source");
            assertThat(source.path("repoURL").asText()).as(name).isEqualTo(REPO_URL);
            Path dir = Repo.path(source.path("path").asText());
            assertThat(dir).as(name).isDirectory();
            String include = source.at("/directory/include").asText("");
            if (!include.isEmpty()) {
                var glob = FileSystems.getDefault().getPathMatcher("glob:" + include);
                for (String alternative : include.replaceAll("[{}]", "").split(",")) {
                    if (!alternative.contains("*")) {
                        assertThat(dir.resolve(alternative)).as("%s includes %s", name, alternative).isRegularFile();
                    }
                }
                if (!name.equals("fileconv-crds")) {
                    try (Stream<Path> files = Files.list(dir)) {
                        assertThat(files.filter(f -> glob.matches(f.getFileName()))).as(name).isNotEmpty();
                    } catch (IOException e) {
                        throw new AssertionError(e);
                    }
                }
            }
            for (JsonNode valuesFile : source.at("/helm/valueFiles")) {
                assertThat(dir.resolve(valuesFile.asText())).as("%s values file", name).isRegularFile();
            }
            if (source.has("helm")) {
                assertThat(dir.resolve("Chart.yaml")).as(name).isRegularFile();
                assertThat(app.at("/spec/destination/namespace").asText()).isEqualTo(Chart.NAMESPACE);
            }
        }
    }

    @Test
    void strimziFilesAreEachInstalledByExactlyOneWave() throws IOException {
        List<String> covered = new ArrayList<>();
        for (JsonNode app : apps.values()) {
            if (app.at("/spec/source/path").asText().equals("strimzi")) {
                var glob = FileSystems.getDefault().getPathMatcher("glob:" + app.at("/spec/source/directory/include").asText());
                try (Stream<Path> files = Files.list(Repo.path("strimzi"))) {
                    files.filter(f -> glob.matches(f.getFileName())).forEach(f -> covered.add(f.getFileName().toString()));
                }
            }
        }
        try (Stream<Path> files = Files.list(Repo.path("strimzi"))) {
            assertThat(covered).containsExactlyInAnyOrderElementsOf(files.map(f -> f.getFileName().toString()).toList());
        }
        // A kustomization.yaml would make Argo CD ignore directory.include and apply everything in one wave.
        assertThat(Repo.path("strimzi/kustomization.yaml")).doesNotExist();
    }

    @Test
    void chartWavesSplitTheChartAndSkipItsCrds() {
        JsonNode operator = apps.get("fileconv-operator").at("/spec/source/helm");
        JsonNode api = apps.get("fileconv-api").at("/spec/source/helm");
        assertThat(operator.at("/valuesObject/api/enabled").asBoolean(true)).isFalse();
        assertThat(api.at("/valuesObject/operator/enabled").asBoolean(true)).isFalse();
        for (JsonNode helm : List.of(operator, api)) {
            assertThat(helm.path("skipCrds").asBoolean()).isTrue();
            assertThat(helm.path("releaseName").asText()).isEqualTo(Chart.RELEASE);
        }
        assertThat(apps.get("fileconv-crds").at("/spec/source/path").asText()).isEqualTo("charts/fileconv/crds");
    }
}
