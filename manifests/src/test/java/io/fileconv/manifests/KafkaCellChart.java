package io.fileconv.manifests;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.marcnuri.helm.Helm;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.strimzi.api.kafka.model.connect.KafkaConnect;
import io.strimzi.api.kafka.model.connector.KafkaConnector;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePool;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import io.strimzi.api.kafka.model.user.KafkaUser;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Renders strimzi/ (one cell's Kafka + Debezium chart) with a cell's values and parses it into Strimzi models. */
final class KafkaCellChart {
    static final String RELEASE = "fileconv-kafka";
    private static final Map<String, Class<? extends HasMetadata>> KINDS = Map.of(
            "kafka.strimzi.io/v1/Kafka", Kafka.class,
            "kafka.strimzi.io/v1/KafkaNodePool", KafkaNodePool.class,
            "kafka.strimzi.io/v1/KafkaTopic", KafkaTopic.class,
            "kafka.strimzi.io/v1/KafkaUser", KafkaUser.class,
            "kafka.strimzi.io/v1/KafkaConnect", KafkaConnect.class,
            "kafka.strimzi.io/v1/KafkaConnector", KafkaConnector.class);
    private static final ObjectMapper STRIMZI = Repo.YAML.copy().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private KafkaCellChart() {
    }

    static Path dir() {
        return Repo.path("strimzi");
    }

    static Path cellValues(String region) {
        return Repo.path("deploy/cells/" + region + "/kafka.yaml");
    }

    /** The rendered YAML of a cell, as Argo CD renders it (same release name and namespace as charts/fileconv). */
    static String render(String region) {
        return new Helm(dir()).template().withName(RELEASE).withNamespace(Chart.NAMESPACE).withKubeVersion("1.30.0")
                .withValuesFile(cellValues(region)).call();
    }

    static List<HasMetadata> objects(String region) {
        List<HasMetadata> out = new ArrayList<>();
        for (JsonNode doc : Repo.yamlDocuments(render(region))) {
            String key = doc.path("apiVersion").asText() + "/" + doc.path("kind").asText();
            Class<? extends HasMetadata> type = KINDS.get(key);
            try {
                out.add(type != null ? STRIMZI.treeToValue(doc, type)
                        : (HasMetadata) Chart.SERIALIZATION.unmarshal(doc.toString()));
            } catch (JsonProcessingException e) {
                throw new UncheckedIOException(key + " does not parse into its Strimzi model", e);
            }
        }
        return out;
    }
}
