package io.fileconv.manifests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Set;

/**
 * Rewrites an OpenAPI schema (Kubernetes' Swagger 2.0 definitions, a CRD's openAPIV3Schema, or the project's own
 * schemas written in the CRD dialect) as strict JSON Schema draft-07:
 * <ul>
 *   <li>every {@code type: object} that declares properties gets {@code additionalProperties: false}, unless it
 *       declares additionalProperties itself (a map) or {@code x-kubernetes-preserve-unknown-fields: true};</li>
 *   <li>in the CRD dialect an object with neither properties nor additionalProperties is closed too: the API
 *       server prunes everything under it, so any field there is one the cluster silently drops;</li>
 *   <li>{@code x-kubernetes-int-or-string} becomes integer-or-string, {@code nullable} adds null;</li>
 *   <li>annotations (description, default, example, format) and other x- extensions are dropped: they assert nothing
 *       the API server checks on these types, and unknown formats would only produce noise.</li>
 * </ul>
 * CEL rules ({@code x-kubernetes-validations}) cannot be evaluated here and are dropped as well.
 */
final class StrictSchema {
    enum Dialect {
        /** Kubernetes' own OpenAPI: an object with no properties (RawExtension, FieldsV1) is free-form. */
        KUBERNETES_OPENAPI,
        /** A structural CRD schema: an object without properties keeps nothing unless it preserves unknown fields. */
        CRD
    }

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final Set<String> COPIED = Set.of("type", "required", "enum", "minimum", "maximum", "exclusiveMinimum",
            "exclusiveMaximum", "pattern", "minItems", "maxItems", "minLength", "maxLength", "uniqueItems",
            "minProperties", "maxProperties", "multipleOf", "$ref");
    private static final Set<String> SCHEMA_ARRAYS = Set.of("oneOf", "anyOf", "allOf");

    private StrictSchema() {
    }

    static ObjectNode convert(JsonNode schema, Dialect dialect) {
        ObjectNode out = JSON.objectNode();
        if (schema.path("x-kubernetes-int-or-string").asBoolean(false)) {
            out.set("type", JSON.arrayNode().add("integer").add("string"));
            return out;
        }
        boolean preserveUnknown = schema.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
        for (var field : schema.properties()) {
            String key = field.getKey();
            JsonNode value = field.getValue();
            if (key.equals("properties") || key.equals("definitions")) {
                ObjectNode props = out.putObject(key);
                value.properties().forEach(p -> props.set(p.getKey(), convert(p.getValue(), dialect)));
            } else if (key.equals("items") || key.equals("not")) {
                out.set(key, value.isArray() ? convertAll(value, dialect) : convert(value, dialect));
            } else if (key.equals("additionalProperties")) {
                out.set(key, value.isObject() ? convert(value, dialect) : value.deepCopy());
            } else if (SCHEMA_ARRAYS.contains(key)) {
                out.set(key, convertAll(value, dialect));
            } else if (COPIED.contains(key)) {
                out.set(key, value.deepCopy());
            }
        }
        if (schema.path("nullable").asBoolean(false) && out.path("type").isTextual()) {
            out.set("type", JSON.arrayNode().add(out.get("type").asText()).add("null"));
        }
        boolean object = "object".equals(schema.path("type").asText());
        boolean closes = schema.has("properties") || dialect == Dialect.CRD;
        if (object && closes && !schema.has("additionalProperties") && !preserveUnknown) {
            out.put("additionalProperties", false);
        }
        return out;
    }

    private static ArrayNode convertAll(JsonNode schemas, Dialect dialect) {
        ArrayNode out = JSON.arrayNode();
        schemas.forEach(s -> out.add(convert(s, dialect)));
        return out;
    }
}
