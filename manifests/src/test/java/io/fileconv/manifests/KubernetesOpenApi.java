package io.fileconv.manifests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Kubernetes' own OpenAPI definitions as shipped in io.fabric8:kubernetes-model-validator (resource
 * /openshift-generated.json: Swagger 2.0 from k8s.io/api v0.34.1, plus the prometheus-operator types under
 * com.coreos.monitoring). fabric8's own Validator maps dotted API groups to no schema and rejects integer
 * IntOrString/Quantity values, so the definitions are read here and mapped to apiVersion/kind explicitly.
 */
final class KubernetesOpenApi {
    static final String RESOURCE = "/openshift-generated.json";
    static final String OBJECT_META = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta";
    private static final String INT_OR_STRING = "io.k8s.apimachinery.pkg.util.intstr.IntOrString";
    private static final String QUANTITY = "io.k8s.apimachinery.pkg.api.resource.Quantity";
    /** Go package of a k8s.io/api group -> its API group, where the group is not simply "<package>.k8s.io". */
    private static final Map<String, String> GROUP_OF_PACKAGE = Map.of(
            "core", "", "apps", "apps", "batch", "batch", "policy", "policy", "autoscaling", "autoscaling",
            "extensions", "extensions", "rbac", "rbac.authorization.k8s.io",
            "flowcontrol", "flowcontrol.apiserver.k8s.io", "apiserverinternal", "internal.apiserver.k8s.io");

    /** Strict draft-07 definitions, keyed as in the Swagger file. */
    final ObjectNode definitions;
    /** "group/version/Kind" (core group: "v1/Kind") -> definition key, for every top-level kind of a built-in group. */
    final Map<String, String> kinds;

    private KubernetesOpenApi(ObjectNode definitions, Map<String, String> kinds) {
        this.definitions = definitions;
        this.kinds = kinds;
    }

    static KubernetesOpenApi load() {
        JsonNode swagger;
        try (InputStream in = KubernetesOpenApi.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " not on the test class path (io.fabric8:kubernetes-model-validator)");
            }
            swagger = new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ObjectNode definitions = JsonNodeFactory.instance.objectNode();
        Map<String, String> kinds = new LinkedHashMap<>();
        swagger.path("definitions").fields().forEachRemaining(def -> {
            definitions.set(def.getKey(), StrictSchema.convert(def.getValue(), StrictSchema.Dialect.KUBERNETES_OPENAPI));
            String gvk = groupVersionKind(def.getKey(), def.getValue());
            if (gvk != null) {
                kinds.put(gvk, def.getKey());
            }
        });
        // Both serialise as a JSON string or number ("8080" or 8080, "500m" or 1); the Swagger says string only.
        definitions.set(INT_OR_STRING, types("integer", "string"));
        definitions.set(QUANTITY, types("number", "string"));
        return new KubernetesOpenApi(definitions, kinds);
    }

    private static ObjectNode types(String... types) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        var array = node.putArray("type");
        for (String t : types) {
            array.add(t);
        }
        return node;
    }

    /**
     * "io.k8s.api.apps.v1.Deployment" -> "apps/v1/Deployment", "io.k8s.api.core.v1.Pod" -> "v1/Pod",
     * "com.coreos.monitoring.v1.ServiceMonitor" -> "monitoring.coreos.com/v1/ServiceMonitor"; null for nested types.
     * fabric8's x-fabric8-info marks top-level kinds (Type object) but leaves Group empty for most groups.
     */
    static String groupVersionKind(String key, JsonNode definition) {
        JsonNode info = definition.path("x-fabric8-info");
        if (!"object".equals(info.path("Type").asText())) {
            return null;
        }
        String[] parts = key.split("\\.");
        String kind = parts[parts.length - 1];
        String version = parts[parts.length - 2];
        if (!kind.equals(info.path("Kind").asText())) {
            return null;
        }
        String group;
        if (key.startsWith("io.k8s.api.") && parts.length == 6) {
            String pkg = parts[3];
            group = GROUP_OF_PACKAGE.getOrDefault(pkg, pkg + ".k8s.io");
        } else if (key.startsWith("com.coreos.monitoring.") && parts.length == 5) {
            group = "monitoring.coreos.com";
        } else {
            return null;
        }
        return (group.isEmpty() ? "" : group + "/") + version + "/" + kind;
    }
}
