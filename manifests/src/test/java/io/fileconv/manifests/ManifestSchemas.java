package io.fileconv.manifests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Validates Kubernetes objects against published schemas, rejecting unknown fields and wrong types:
 * built-in kinds and monitoring.coreos.com against Kubernetes' OpenAPI (io.fabric8:kubernetes-model-validator),
 * kafka.strimzi.io against Strimzi 0.51's CRDs (io.strimzi:api tests jar), fileconv.io against crds/, and
 * argoproj.io against the project's schema written from Argo CD v3.5.1's Go types. An object of any other kind is
 * a violation too ("no schema"), so nothing passes unchecked.
 *
 * <p>Usage: {@code ManifestSchemas.violations(objects)} with objects as parsed YAML (JsonNode or Map); each
 * violation reads {@code Kind/name: /json/pointer: problem}, e.g.
 * {@code Deployment/api: /spec/replicas: string found, integer expected}. Null-valued fields are dropped first: the
 * API server treats an explicit null like an absent field (a required field left null is still reported missing).
 */
final class ManifestSchemas {
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private ManifestSchemas() {
    }

    static List<String> violations(Collection<?> objects) {
        List<String> out = new ArrayList<>();
        for (Object o : objects) {
            out.addAll(violations(o));
        }
        return out;
    }

    /** Every document of a (multi-document) YAML string. */
    static List<String> violationsInYaml(String yaml) {
        return violations(Repo.yamlDocuments(yaml));
    }

    /** One object: a JsonNode, or a Map as a YAML library parses it. */
    static List<String> violations(Object object) {
        JsonNode node = object instanceof JsonNode json ? json : Repo.YAML.valueToTree(object);
        String label = label(node);
        if (!node.isObject()) {
            return List.of(label + ": not an object");
        }
        String apiVersion = node.path("apiVersion").asText("");
        String kind = node.path("kind").asText("");
        if (apiVersion.isEmpty() || kind.isEmpty()) {
            return List.of(label + ": apiVersion and kind are required");
        }
        var entry = SchemaCatalog.get().entry(apiVersion, kind);
        if (entry.isEmpty()) {
            return List.of(label + ": no schema for " + apiVersion + " " + kind);
        }
        List<Error> errors = SchemaCatalog.get().schema(entry.get()).validate(withoutNulls(node));
        return errors.stream().map(e -> label + ": " + e.getInstanceLocation() + ": " + e.getMessage()).toList();
    }

    private static String label(JsonNode node) {
        return node.path("kind").asText("?") + "/" + node.path("metadata").path("name").asText("?");
    }

    static JsonNode withoutNulls(JsonNode node) {
        if (node.isObject()) {
            ObjectNode out = JSON.objectNode();
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                if (!field.getValue().isNull()) {
                    out.set(field.getKey(), withoutNulls(field.getValue()));
                }
            }
            return out;
        }
        if (node.isArray()) {
            ArrayNode out = JSON.arrayNode();
            node.forEach(e -> out.add(withoutNulls(e)));
            return out;
        }
        return node;
    }
}
