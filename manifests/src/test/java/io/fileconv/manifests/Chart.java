package io.fileconv.manifests;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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

    static Path threeRegionValues() {
        return dir().resolve("values-three-regions.yaml");
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
        var out = new java.util.LinkedHashMap<String, PodSpec>();
        ofType(objects, Deployment.class).forEach(d -> out.put(d.getMetadata().getName(), d.getSpec().getTemplate().getSpec()));
        ofType(objects, CronJob.class).forEach(c -> out.put(c.getMetadata().getName(),
                c.getSpec().getJobTemplate().getSpec().getTemplate().getSpec()));
        return out;
    }

    static Map<String, String> env(Container c) {
        var out = new java.util.LinkedHashMap<String, String>();
        c.getEnv().forEach(e -> out.put(e.getName(), e.getValue()));
        return out;
    }
}
