package io.fileconv.manifests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every schema the manifests are checked against, in one draft-07 document so that CRD and Argo CD schemas can
 * refer to Kubernetes' ObjectMeta and LabelSelector: Kubernetes' OpenAPI (incl. monitoring.coreos.com), Strimzi's
 * CRDs, fileconv's CRDs and the project's Argo CD schema. Loaded once per JVM (a few seconds).
 */
final class SchemaCatalog {
    static final String ARGOCD_RESOURCE = "/schemas/argocd-v3.5.1.yaml";
    private static final String DOCUMENT = "https://fileconv.io/schemas/manifests.json";

    /** A definition of the combined document that some apiVersion/kind is validated against. */
    record Entry(String key) {
    }

    private final Map<String, Entry> kinds;
    private final SchemaRegistry registry;
    private final Map<String, Schema> compiled = new ConcurrentHashMap<>();
    final CrdSchemas strimzi;

    private SchemaCatalog(Map<String, Entry> kinds, SchemaRegistry registry, CrdSchemas strimzi) {
        this.kinds = kinds;
        this.registry = registry;
        this.strimzi = strimzi;
    }

    /** Loaded on first use, once per JVM (the class loader's lazy holder idiom). */
    private static final class Holder {
        static final SchemaCatalog INSTANCE = load();
    }

    static SchemaCatalog get() {
        return Holder.INSTANCE;
    }

    static String ref(String definition) {
        return "#/definitions/" + definition;
    }

    /** The entry for "group/version/Kind" ("v1/Kind" for the core group), if any schema covers it. */
    Optional<Entry> entry(String apiVersion, String kind) {
        return Optional.ofNullable(kinds.get(apiVersion + "/" + kind));
    }

    Schema schema(Entry entry) {
        return compiled.computeIfAbsent(entry.key(),
                key -> registry.getSchema(SchemaLocation.of(DOCUMENT + "#/definitions/" + key)));
    }

    private static SchemaCatalog load() {
        ObjectNode definitions = JsonNodeFactory.instance.objectNode();
        Map<String, Entry> kinds = new LinkedHashMap<>();
        KubernetesOpenApi kubernetes = KubernetesOpenApi.load();
        definitions.setAll(kubernetes.definitions);
        kubernetes.kinds.forEach((gvk, key) -> kinds.put(gvk, new Entry(key)));
        CrdSchemas strimzi = CrdSchemas.strimzi();
        add(strimzi, definitions, kinds);
        add(CrdSchemas.fileconv(), definitions, kinds);
        JsonNode argocd = argocd();
        argocd.path("definitions").properties().forEach(
                d -> definitions.set(d.getKey(), StrictSchema.convert(d.getValue(), StrictSchema.Dialect.CRD)));
        argocd.path("kinds").properties().forEach(
                k -> kinds.put(k.getKey(), new Entry(k.getValue().asText())));

        ObjectNode document = JsonNodeFactory.instance.objectNode();
        document.put("$schema", "http://json-schema.org/draft-07/schema#");
        document.set("definitions", definitions);
        // Compile lazily: an object touches a small part of PodSpec or Kafka's schema, and eager preloading of every
        // reachable definition costs seconds per kind.
        SchemaRegistryConfig config = SchemaRegistryConfig.builder().preloadSchema(false).cacheRefs(true).build();
        SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_7,
                builder -> builder.schemas(Map.of(DOCUMENT, document.toString())).schemaRegistryConfig(config));
        return new SchemaCatalog(kinds, registry, strimzi);
    }

    private static void add(CrdSchemas crds, ObjectNode definitions, Map<String, Entry> kinds) {
        definitions.setAll(crds.definitions);
        crds.kinds.forEach((gvk, key) -> kinds.put(gvk, new Entry(key)));
    }

    private static JsonNode argocd() {
        try (InputStream in = SchemaCatalog.class.getResourceAsStream(ARGOCD_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(ARGOCD_RESOURCE + " missing from the test resources");
            }
            return Repo.YAML.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
