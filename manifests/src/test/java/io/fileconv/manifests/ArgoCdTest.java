package io.fileconv.manifests;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fileconv.core.Region;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * deploy/argocd: the AppProject, the ApplicationSet that rolls out one Application per regional cell, and the
 * bootstrap Application. The cell template is expanded for each region the way Argo CD's cluster generator would
 * (goTemplate with the cluster's labels) and checked against the repository and the charts it deploys.
 */
class ArgoCdTest {
    private static final String REPO_URL = "https://github.com/fileconv/fileconv.git";
    private static final String REGION_EXPR = "{{ index .metadata.labels \"fileconv.io/region\" }}";
    private static JsonNode project;
    private static JsonNode cells;
    private static JsonNode bootstrap;

    @BeforeAll
    static void parse() {
        project = single("deploy/argocd/project.yaml", "AppProject");
        cells = single("deploy/argocd/cells.yaml", "ApplicationSet");
        bootstrap = single("deploy/argocd/bootstrap.yaml", "Application");
    }

    private static JsonNode single(String file, String kind) {
        List<JsonNode> docs = Repo.yamlDocuments(Repo.path(file));
        assertThat(docs).as(file).hasSize(1);
        assertThat(docs.get(0).path("apiVersion").asText()).isEqualTo("argoproj.io/v1alpha1");
        assertThat(docs.get(0).path("kind").asText()).isEqualTo(kind);
        return docs.get(0);
    }

    /** The Application the ApplicationSet generates for a cluster labelled fileconv.io/region=region. */
    private static JsonNode cellApplication(Region region) {
        String template = cells.path("spec").path("template").toString()
                .replace(REGION_EXPR.replace("\"", "\\\""), region.code())
                .replace("{{ .server }}", "https://" + region.code() + ".clusters.example");
        assertThat(template).as("every template expression is expanded").doesNotContain("{{");
        try {
            return Repo.YAML.readTree(template);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String releaseTag() {
        String appVersion = Repo.yamlDocuments(Chart.dir().resolve("Chart.yaml")).get(0).path("appVersion").asText();
        return "v" + appVersion;
    }

    private static List<JsonNode> sources(JsonNode app) {
        return StreamSupport.stream(app.at("/spec/sources").spliterator(), false).toList();
    }

    private static JsonNode sourceAt(JsonNode app, String path) {
        return sources(app).stream().filter(s -> path.equals(s.path("path").asText())).findFirst().orElseThrow();
    }

    /** $values/<path> of the values source, as a file of this repository. */
    private static List<Path> valueFiles(JsonNode source) {
        List<Path> out = new ArrayList<>();
        for (JsonNode v : source.at("/helm/valueFiles")) {
            assertThat(v.asText()).startsWith("$values/");
            out.add(Repo.path(v.asText().substring("$values/".length())));
        }
        return out;
    }

    @Test
    void theClusterGeneratorSelectsCellsByTheirRegionLabel() {
        assertThat(cells.at("/spec/goTemplate").asBoolean()).isTrue();
        assertThat(cells.at("/spec/generators")).hasSize(1);
        JsonNode expr = cells.at("/spec/generators/0/clusters/selector/matchExpressions/0");
        assertThat(expr.path("key").asText()).isEqualTo("fileconv.io/region");
        assertThat(expr.path("operator").asText()).isEqualTo("In");
        assertThat(StreamSupport.stream(expr.path("values").spliterator(), false).map(JsonNode::asText).toList())
                .containsExactlyInAnyOrderElementsOf(Arrays.stream(Region.values()).map(Region::code).toList());
        assertThat(cells.at("/spec/syncPolicy/preserveResourcesOnDeletion").asBoolean()).isTrue();
    }

    @ParameterizedTest
    @EnumSource(Region.class)
    void eachCellDeploysItsKafkaAndFileconvFromAPinnedReleaseWithItsOwnValues(Region region) {
        JsonNode app = cellApplication(region);
        assertThat(app.at("/metadata/name").asText()).isEqualTo("fileconv-" + region.code());
        assertThat(app.at("/spec/project").asText()).isEqualTo(project.at("/metadata/name").asText());
        assertThat(app.at("/spec/destination/namespace").asText()).isEqualTo(Chart.NAMESPACE);
        for (JsonNode source : sources(app)) {
            assertThat(source.path("repoURL").asText()).isEqualTo(REPO_URL);
            assertThat(source.path("targetRevision").asText()).as("a release tag, not a branch").isEqualTo(releaseTag());
            if (source.has("path")) {
                assertThat(Repo.path(source.path("path").asText()).resolve("Chart.yaml")).isRegularFile();
                valueFiles(source).forEach(f -> assertThat(f).isRegularFile());
            }
        }
        assertThat(sources(app).stream().filter(s -> s.path("ref").asText().equals("values")).count()).isEqualTo(1);
        JsonNode fileconv = sourceAt(app, "charts/fileconv");
        assertThat(fileconv.at("/helm/releaseName").asText()).isEqualTo(Chart.RELEASE);
        assertThat(valueFiles(fileconv)).as("what the tests render as the cell").isEqualTo(Chart.cellValues(region.code()));
        JsonNode kafka = sourceAt(app, "strimzi");
        assertThat(kafka.at("/helm/releaseName").asText()).isEqualTo(KafkaCellChart.RELEASE);
        assertThat(valueFiles(kafka)).containsExactly(KafkaCellChart.cellValues(region.code()));
        assertThat(Repo.yamlDocuments(KafkaCellChart.cellValues(region.code())).get(0).path("region").asText()).isEqualTo(region.code());
    }

    @Test
    void syncIsAutomatedRetriedWithBackOffAndServerSide() {
        JsonNode sync = cellApplication(Region.IN).at("/spec/syncPolicy");
        assertThat(sync.at("/automated/prune").asBoolean()).isTrue();
        assertThat(sync.at("/automated/selfHeal").asBoolean()).isTrue();
        assertThat(sync.at("/retry/limit").asInt()).isGreaterThan(1);
        assertThat(sync.at("/retry/backoff/factor").asInt()).isGreaterThan(1);
        assertThat(sync.at("/retry/backoff/duration").asText()).matches("[0-9]+[sm]");
        assertThat(sync.at("/retry/backoff/maxDuration").asText()).matches("[0-9]+[sm]");
        Set<String> options = new HashSet<>();
        sync.path("syncOptions").forEach(o -> options.add(o.asText()));
        assertThat(options).contains("ServerSideApply=true", "CreateNamespace=true");
    }

    @ParameterizedTest
    @EnumSource(Region.class)
    void theProjectAllowsExactlyTheKindsACellRenders(Region region) {
        List<HasMetadata> rendered = new ArrayList<>(Chart.renderWithHooks(Chart.cellValues(region.code())));
        rendered.addAll(KafkaCellChart.objects(region.code()));
        Set<String> allowed = new TreeSet<>();
        project.at("/spec/namespaceResourceWhitelist").forEach(k -> allowed.add(k.path("group").asText() + "/" + k.path("kind").asText()));
        project.at("/spec/clusterResourceWhitelist").forEach(k -> allowed.add(k.path("group").asText() + "/" + k.path("kind").asText()));
        assertThat(allowed).noneMatch(k -> k.contains("*"));
        Set<String> used = rendered.stream().map(o -> {
            String api = o.getApiVersion();
            return (api.contains("/") ? api.substring(0, api.indexOf('/')) : "") + "/" + o.getKind();
        }).collect(Collectors.toCollection(TreeSet::new));
        used.add("/Namespace"); // CreateNamespace=true
        assertThat(allowed).containsAll(used);
        assertThat(project.at("/spec/sourceRepos")).singleElement().satisfies(r -> assertThat(r.asText()).isEqualTo(REPO_URL));
        assertThat(project.at("/spec/destinations")).allSatisfy(d -> assertThat(d.path("namespace").asText()).isEqualTo(Chart.NAMESPACE));
    }

    @Test
    void bootstrapManagesTheProjectAndTheApplicationSetAtTheSameRelease() {
        assertThat(bootstrap.at("/spec/source/targetRevision").asText()).isEqualTo(releaseTag());
        assertThat(bootstrap.at("/spec/source/repoURL").asText()).isEqualTo(REPO_URL);
        assertThat(bootstrap.at("/spec/source/path").asText()).isEqualTo("deploy/argocd");
        assertThat(bootstrap.at("/spec/source/directory/include").asText()).isEqualTo("{project.yaml,cells.yaml}");
        assertThat(bootstrap.at("/spec/syncPolicy/automated/prune").asBoolean(true)).isFalse();
    }
}
