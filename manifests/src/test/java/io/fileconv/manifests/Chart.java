package io.fileconv.manifests;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/** Renders charts/fileconv with helm-java (Helm 3 in the jar) and parses the output into fabric8 models. */
final class Chart {
    static final String RELEASE = "fileconv";
    static final String NAMESPACE = "fileconv";
    static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    private Chart() {
    }

    static Path dir() {
        return Repo.path("charts/fileconv");
    }

    /** A single-cluster release serving all three regions (test values; production runs one cell per region). */
    static Path threeRegionValues() {
        return Repo.path("manifests/src/test/resources/three-regions.yaml");
    }

    /** The values files Argo CD gives a cell's fileconv release (deploy/argocd/cells.yaml), in order. */
    static List<Path> cellValues(String region) {
        return List.of(Repo.path("deploy/cells/common.yaml"), Repo.path("deploy/cells/" + region + "/fileconv.yaml"));
    }

    /** The hook phases (helm.sh/hook) of the hooks among objects rendered by {@link #renderWithHooks}, by kind/name. */
    static Map<String, String> hookKinds(List<HasMetadata> withHooks) {
        var out = new TreeMap<String, String>();
        withHooks.forEach(o -> {
            var ann = o.getMetadata().getAnnotations();
            if (ann != null && ann.containsKey(HOOK_MARKER)) {
                out.put(o.getKind() + "/" + o.getMetadata().getName(), ann.get(HOOK_MARKER));
            }
        });
        return out;
    }

    static final String HOOK_ANNOTATION = "helm.sh/hook";
    /** What {@link #renderWithHooks} renames helm.sh/hook to, so the object stays identifiable as a hook. */
    static final String HOOK_MARKER = "test.fileconv.io/helm-hook";

    /**
     * The chart rendered with its Helm hooks: helm-java's template returns only the release manifest (Helm keeps
     * hooks apart), so a copy of the chart is rendered whose hook annotation is renamed to {@link #HOOK_MARKER}.
     */
    static List<HasMetadata> renderWithHooks(List<Path> valuesFiles) {
        return objects(renderWithHooksYaml(valuesFiles));
    }

    static String renderWithHooksYaml(List<Path> valuesFiles) {
        try {
            Path copy = Files.createTempDirectory("fileconv-chart");
            try (var files = Files.walk(dir())) {
                for (Path f : files.toList()) {
                    Path target = copy.resolve(dir().relativize(f).toString());
                    if (Files.isDirectory(f)) {
                        Files.createDirectories(target);
                    } else {
                        String text = Files.readString(f);
                        if (f.toString().contains("templates")) {
                            text = text.replace(HOOK_ANNOTATION + ":", HOOK_MARKER + ":");
                        }
                        Files.writeString(target, text);
                    }
                }
            }
            TemplateCommand cmd = new Helm(copy).template().withName(RELEASE).withNamespace(NAMESPACE).withKubeVersion("1.30.0");
            for (Path v : valuesFiles) {
                cmd = cmd.withValuesFile(v);
            }
            return cmd.call();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<HasMetadata> renderCell(String region) {
        return renderObjects(t -> {
            cellValues(region).forEach(t::withValuesFile);
            return t;
        });
    }

    static String render(UnaryOperator<TemplateCommand> options) {
        // The oldest Kubernetes the whole stack supports (Strimzi 0.51 needs 1.30); helm-java defaults to 1.20.
        TemplateCommand cmd = new Helm(dir()).template().withName(RELEASE).withNamespace(NAMESPACE).withKubeVersion("1.30.0");
        return options.apply(cmd).call();
    }

    static List<HasMetadata> objects(String rendered) {
        List<HasMetadata> out = new ArrayList<>();
        for (var doc : Repo.yamlDocuments(rendered)) {
            Object parsed = SERIALIZATION.unmarshal(doc.toString());
            out.add((HasMetadata) parsed);
        }
        return out;
    }

    static List<HasMetadata> renderObjects(UnaryOperator<TemplateCommand> options) {
        return objects(render(options));
    }

    static <T extends HasMetadata> List<T> ofType(List<HasMetadata> objects, Class<T> type) {
        return objects.stream().filter(type::isInstance).map(type::cast).toList();
    }

    /** Every pod spec the chart renders, keyed by the owning object's name. */
    static Map<String, PodSpec> podSpecs(List<HasMetadata> objects) {
        var out = new LinkedHashMap<String, PodSpec>();
        ofType(objects, Deployment.class).forEach(d -> out.put(d.getMetadata().getName(), d.getSpec().getTemplate().getSpec()));
        ofType(objects, CronJob.class).forEach(c -> out.put(c.getMetadata().getName(),
                c.getSpec().getJobTemplate().getSpec().getTemplate().getSpec()));
        return out;
    }

    static Map<String, String> env(Container c) {
        var out = new LinkedHashMap<String, String>();
        c.getEnv().forEach(e -> out.put(e.getName(), e.getValue()));
        return out;
    }
}
