package io.fileconv.manifests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Strict draft-07 schemas from CustomResourceDefinitions: one definition per served version, keyed
 * "crd.group.version.Kind", with metadata checked against Kubernetes' ObjectMeta (CRD schemas leave it open).
 */
final class CrdSchemas {
    /** Strimzi 0.51's CRDs as its io.strimzi:api tests jar carries them; kafka.strimzi.io/v1 lives in crds/v1. */
    static final List<String> STRIMZI_RESOURCES = List.of(
            "crds/v1/040-Crd-kafka.yaml", "crds/v1/041-Crd-kafkaconnect.yaml", "crds/v1/042-Crd-strimzipodset.yaml",
            "crds/v1/043-Crd-kafkatopic.yaml", "crds/v1/044-Crd-kafkauser.yaml", "crds/v1/045-Crd-kafkanodepool.yaml",
            "crds/v1/046-Crd-kafkabridge.yaml", "crds/v1/047-Crd-kafkaconnector.yaml",
            "crds/v1/048-Crd-kafkamirrormaker2.yaml", "crds/v1/049-Crd-kafkarebalance.yaml");

    final ObjectNode definitions = JsonNodeFactory.instance.objectNode();
    /** "group/version/Kind" -> definition key. */
    final Map<String, String> kinds = new LinkedHashMap<>();
    /** Where each CRD came from, for messages and the provenance test. */
    final Map<String, String> sources = new LinkedHashMap<>();

    static CrdSchemas strimzi() {
        CrdSchemas out = new CrdSchemas();
        for (String resource : STRIMZI_RESOURCES) {
            URL url = CrdSchemas.class.getClassLoader().getResource(resource);
            if (url == null) {
                throw new IllegalStateException(resource + " not on the test class path (io.strimzi:api:tests)");
            }
            try (InputStream in = url.openStream()) {
                out.add(Repo.YAML.readTree(in), url.toString());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return out;
    }

    /** The fileconv CRDs the build generates into crds/ (FileConversion, RegionMigration). */
    static CrdSchemas fileconv() {
        CrdSchemas out = new CrdSchemas();
        List<Path> files = new ArrayList<>();
        try (var s = Files.list(Repo.path("crds"))) {
            s.filter(p -> p.toString().endsWith(".yml") || p.toString().endsWith(".yaml")).sorted().forEach(files::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (var file : files) {
            for (JsonNode doc : Repo.yamlDocuments(file)) {
                out.add(doc, Repo.root().relativize(file).toString());
            }
        }
        return out;
    }

    void add(JsonNode crd, String source) {
        if (!"CustomResourceDefinition".equals(crd.path("kind").asText())) {
            throw new IllegalArgumentException(source + " is not a CustomResourceDefinition");
        }
        String group = crd.at("/spec/group").asText();
        String kind = crd.at("/spec/names/kind").asText();
        for (JsonNode version : crd.at("/spec/versions")) {
            if (!version.path("served").asBoolean(false)) {
                continue;
            }
            String name = version.path("name").asText();
            JsonNode openApi = version.at("/schema/openAPIV3Schema");
            if (openApi.isMissingNode()) {
                throw new IllegalArgumentException(source + " " + kind + " " + name + " has no openAPIV3Schema");
            }
            ObjectNode schema = StrictSchema.convert(openApi, StrictSchema.Dialect.CRD);
            ObjectNode properties = schema.withObjectProperty("properties");
            properties.putObject("metadata").put("$ref", SchemaCatalog.ref(KubernetesOpenApi.OBJECT_META));
            properties.putObject("apiVersion").put("const", group + "/" + name);
            properties.putObject("kind").put("const", kind);
            String key = "crd." + group + "." + name + "." + kind;
            definitions.set(key, schema);
            kinds.put(group + "/" + name + "/" + kind, key);
            sources.put(key, source);
        }
    }
}
