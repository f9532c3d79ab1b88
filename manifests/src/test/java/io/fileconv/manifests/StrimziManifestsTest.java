package io.fileconv.manifests;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fileconv.core.Region;
import io.strimzi.api.kafka.model.common.ClientTls;
import io.strimzi.api.kafka.model.connect.KafkaConnect;
import io.strimzi.api.kafka.model.connect.build.DockerOutput;
import io.strimzi.api.kafka.model.connect.build.MavenArtifact;
import io.strimzi.api.kafka.model.connector.KafkaConnector;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.kafka.listener.GenericKafkaListener;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePool;
import io.strimzi.api.kafka.model.nodepool.ProcessRoles;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** strimzi/ parsed into io.strimzi:api classes; names cross-checked with io.fileconv.core.Region and the chart. */
class StrimziManifestsTest {
    private static final Map<String, Class<? extends HasMetadata>> KINDS = Map.of(
            "kafka.strimzi.io/v1/Kafka", Kafka.class,
            "kafka.strimzi.io/v1/KafkaNodePool", KafkaNodePool.class,
            "kafka.strimzi.io/v1/KafkaTopic", KafkaTopic.class,
            "kafka.strimzi.io/v1/KafkaConnect", KafkaConnect.class,
            "kafka.strimzi.io/v1/KafkaConnector", KafkaConnector.class);
    private static final ObjectMapper STRIMZI = Repo.YAML.copy().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private static final Pattern SECRET_REF = Pattern.compile("\\$\\{secrets:([a-z0-9-]+)/([a-z0-9-]+):([a-z]+)}");

    private static List<HasMetadata> objects;
    private static Kafka kafka;
    private static KafkaConnect connect;

    @BeforeAll
    static void parse() throws IOException {
        objects = new ArrayList<>();
        List<Path> files;
        try (Stream<Path> s = Files.list(Repo.path("strimzi"))) {
            files = s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
        assertThat(files).extracting(p -> p.getFileName().toString())
                .containsExactlyInAnyOrder("kafka.yaml", "topics.yaml", "kafka-connect.yaml", "connectors.yaml");
        for (Path file : files) {
            for (JsonNode doc : Repo.yamlDocuments(file)) {
                String key = doc.path("apiVersion").asText() + "/" + doc.path("kind").asText();
                Class<? extends HasMetadata> type = KINDS.get(key);
                HasMetadata parsed = type != null
                        ? STRIMZI.treeToValue(doc, type)
                        : (HasMetadata) Chart.SERIALIZATION.unmarshal(doc.toString());
                assertThat(parsed.getClass().getSimpleName()).as("%s in %s has a typed model", key, file)
                        .isNotEqualTo("GenericKubernetesResource");
                objects.add(parsed);
            }
        }
        kafka = single(Kafka.class);
        connect = single(KafkaConnect.class);
    }

    private static <T> List<T> all(Class<T> type) {
        return objects.stream().filter(type::isInstance).map(type::cast).toList();
    }

    private static <T> T single(Class<T> type) {
        List<T> list = all(type);
        assertThat(list).as(type.getSimpleName()).hasSize(1);
        return list.get(0);
    }

    @Test
    void noManifestHasUnknownFields() {
        for (HasMetadata o : objects) {
            assertThat(ModelChecks.unknownFields(o)).as("%s/%s", o.getKind(), o.getMetadata().getName()).isEmpty();
        }
    }

    @Test
    void everythingLivesInTheKafkaNamespaceAndBelongsToTheCluster() {
        assertThat(objects).allSatisfy(o -> assertThat(o.getMetadata().getNamespace()).isEqualTo("kafka"));
        String cluster = kafka.getMetadata().getName();
        Stream.concat(all(KafkaNodePool.class).stream(), all(KafkaTopic.class).stream())
                .forEach(o -> assertThat(o.getMetadata().getLabels()).containsEntry("strimzi.io/cluster", cluster));
        all(KafkaConnector.class).forEach(o ->
                assertThat(o.getMetadata().getLabels()).containsEntry("strimzi.io/cluster", connect.getMetadata().getName()));
    }

    @Test
    void kraftClusterHasAControllerQuorumAndThreeBrokers() {
        List<KafkaNodePool> pools = all(KafkaNodePool.class);
        KafkaNodePool controllers = pools.stream().filter(p -> p.getSpec().getRoles().contains(ProcessRoles.CONTROLLER)).findFirst().orElseThrow();
        KafkaNodePool brokers = pools.stream().filter(p -> p.getSpec().getRoles().contains(ProcessRoles.BROKER)).findFirst().orElseThrow();
        assertThat(controllers.getSpec().getReplicas()).isOdd().isGreaterThanOrEqualTo(3);
        assertThat(brokers.getSpec().getReplicas()).isGreaterThanOrEqualTo(3);
        Map<String, Object> config = kafka.getSpec().getKafka().getConfig();
        assertThat(config).containsEntry("default.replication.factor", 3).containsEntry("min.insync.replicas", 2)
                .containsEntry("auto.create.topics.enable", false);
    }

    @Test
    void plainListenerIsWhatTheChartBootstrapsFromAndOnlyFileconvMayUseIt() {
        GenericKafkaListener plain = kafka.getSpec().getKafka().getListeners().stream()
                .filter(l -> !l.isTls()).collect(Collectors.collectingAndThen(Collectors.toList(), l -> {
                    assertThat(l).hasSize(1);
                    return l.get(0);
                }));
        String expected = kafka.getMetadata().getName() + "-kafka-bootstrap." + kafka.getMetadata().getNamespace() + ".svc:" + plain.getPort();
        String chartDefault = Repo.yamlDocuments(Chart.dir().resolve("values.yaml")).get(0)
                .path("kafka").path("bootstrapServers").asText();
        String threeRegions = Repo.yamlDocuments(Chart.threeRegionValues()).get(0).path("kafka").path("bootstrapServers").asText();
        assertThat(chartDefault).isEqualTo(expected);
        assertThat(threeRegions).isEqualTo(expected);
        assertThat(plain.getNetworkPolicyPeers()).isNotEmpty();
        assertThat(plain.getNetworkPolicyPeers()).anySatisfy(peer ->
                assertThat(peer.getNamespaceSelector().getMatchLabels()).containsEntry("kubernetes.io/metadata.name", Chart.NAMESPACE));
    }

    @Test
    void oneFilesTopicPerRegionNamedAsTheEmbeddedStack() {
        Set<String> expected = Arrays.stream(Region.values()).map(Region::filesTopic).collect(Collectors.toSet());
        List<KafkaTopic> files = all(KafkaTopic.class).stream().filter(t -> t.getSpec().getTopicName().endsWith(".files")).toList();
        assertThat(files).extracting(t -> t.getSpec().getTopicName()).containsExactlyInAnyOrderElementsOf(expected);
        for (KafkaTopic t : files) {
            assertThat(t.getSpec().getPartitions()).isGreaterThanOrEqualTo(3);
            assertThat(t.getSpec().getReplicas()).isEqualTo(3);
            assertThat(t.getSpec().getConfig()).containsEntry("min.insync.replicas", 2).containsKey("retention.ms");
        }
    }

    @Test
    void connectBuildsTheDebeziumMysqlConnectorAtTheEmbeddedStacksVersion() {
        Matcher m = Pattern.compile("<debezium.version>([^<]+)</debezium.version>").matcher(Repo.read(Repo.path("pom.xml")));
        assertThat(m.find()).isTrue();
        String debezium = m.group(1);
        var plugins = connect.getSpec().getBuild().getPlugins();
        assertThat(plugins).singleElement().satisfies(p -> assertThat(p.getArtifacts()).singleElement().satisfies(a -> {
            MavenArtifact maven = (MavenArtifact) a;
            assertThat(maven.getGroup()).isEqualTo("io.debezium");
            assertThat(maven.getArtifact()).isEqualTo("debezium-connector-mysql");
            assertThat(maven.getVersion()).isEqualTo(debezium);
        }));
        DockerOutput out = (DockerOutput) connect.getSpec().getBuild().getOutput();
        assertThat(out.getImage()).endsWith(":" + debezium);
        assertThat(connect.getMetadata().getAnnotations()).containsEntry("strimzi.io/use-connector-resources", "true");
        assertThat(connect.getSpec().getConfig()).containsEntry("config.providers", "secrets")
                .containsEntry("config.providers.secrets.class", "io.strimzi.kafka.KubernetesSecretConfigProvider");
        GenericKafkaListener tls = kafka.getSpec().getKafka().getListeners().stream().filter(GenericKafkaListener::isTls).findFirst().orElseThrow();
        assertThat(connect.getSpec().getBootstrapServers()).isEqualTo(kafka.getMetadata().getName() + "-kafka-bootstrap:" + tls.getPort());
        ClientTls clientTls = connect.getSpec().getTls();
        assertThat(clientTls.getTrustedCertificates()).singleElement()
                .satisfies(c -> assertThat(c.getSecretName()).isEqualTo(kafka.getMetadata().getName() + "-cluster-ca-cert"));
    }

    @Test
    void oneConnectorPerRegionCapturingOnlyTheFilesTableIntoTheRegionsTopic() {
        List<KafkaConnector> connectors = all(KafkaConnector.class);
        assertThat(connectors).hasSize(Region.values().length);
        Set<String> secretsReferenced = new HashSet<>();
        Set<Object> serverIds = new HashSet<>();
        for (Region region : Region.values()) {
            KafkaConnector c = connectors.stream()
                    .filter(k -> region.database().equals(k.getSpec().getConfig().get("database.include.list")))
                    .collect(Collectors.collectingAndThen(Collectors.toList(), l -> {
                        assertThat(l).as(region.code()).hasSize(1);
                        return l.get(0);
                    }));
            Map<String, Object> cfg = c.getSpec().getConfig();
            assertThat(c.getSpec().getClassName()).isEqualTo("io.debezium.connector.mysql.MySqlConnector");
            assertThat(c.getSpec().getTasksMax()).isEqualTo(1);
            assertThat(cfg).containsEntry("table.include.list", region.database() + ".files")
                    .containsEntry("include.schema.changes", false)
                    .containsEntry("key.converter", "org.apache.kafka.connect.json.JsonConverter")
                    .containsEntry("value.converter", "org.apache.kafka.connect.json.JsonConverter")
                    .containsEntry("key.converter.schemas.enable", false)
                    .containsEntry("value.converter.schemas.enable", false)
                    .containsEntry("transforms.route.type", "org.apache.kafka.connect.transforms.RegexRouter");
            assertThat(serverIds.add(cfg.get("database.server.id"))).as("unique database.server.id").isTrue();

            // RegexRouter semantics: the whole topic must match; the replacement is then applied.
            String debeziumTopic = cfg.get("topic.prefix") + "." + region.database() + ".files";
            Matcher route = Pattern.compile((String) cfg.get("transforms.route.regex")).matcher(debeziumTopic);
            assertThat(route.matches()).as("router regex matches %s", debeziumTopic).isTrue();
            assertThat(route.replaceFirst((String) cfg.get("transforms.route.replacement"))).isEqualTo(region.filesTopic());

            for (String key : List.of("database.hostname", "database.port", "database.user", "database.password")) {
                Matcher ref = SECRET_REF.matcher(String.valueOf(cfg.get(key)));
                assertThat(ref.matches()).as("%s of %s comes from a Secret", key, region).isTrue();
                assertThat(ref.group(1)).isEqualTo("kafka");
                secretsReferenced.add(ref.group(2));
            }

            String history = (String) cfg.get("schema.history.internal.kafka.topic");
            KafkaTopic historyTopic = all(KafkaTopic.class).stream().filter(t -> t.getSpec().getTopicName().equals(history)).findFirst().orElseThrow();
            assertThat(historyTopic.getSpec().getPartitions()).isEqualTo(1);
            assertThat(historyTopic.getSpec().getConfig()).containsEntry("retention.ms", -1);
            assertThat(cfg.get("schema.history.internal.kafka.bootstrap.servers")).isEqualTo(connect.getSpec().getBootstrapServers());
            String caPath = "/opt/kafka/connect-certs/" + connect.getSpec().getTls().getTrustedCertificates().get(0).getSecretName() + "/ca.crt";
            assertThat(cfg).containsEntry("schema.history.internal.producer.ssl.truststore.location", caPath)
                    .containsEntry("schema.history.internal.consumer.ssl.truststore.location", caPath);
        }
        // The Connect ServiceAccount may read exactly the referenced Secrets.
        Role role = single(Role.class);
        assertThat(role.getRules()).singleElement().satisfies(r -> {
            assertThat(r.getVerbs()).containsExactly("get");
            assertThat(r.getResources()).containsExactly("secrets");
            assertThat(r.getResourceNames()).containsExactlyInAnyOrderElementsOf(secretsReferenced);
        });
        RoleBinding binding = single(RoleBinding.class);
        assertThat(binding.getSubjects()).singleElement()
                .satisfies(s -> assertThat(s.getName()).isEqualTo(connect.getMetadata().getName() + "-connect"));
    }
}
