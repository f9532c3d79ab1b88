package io.fileconv.manifests;

import io.debezium.config.ConfigurationDefaults;
import io.debezium.connector.base.ChangeEventQueue;
import io.debezium.heartbeat.Heartbeat;
import io.debezium.pipeline.DataChangeEvent;
import io.debezium.util.LoggingContext;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fileconv.core.ChangeEvents;
import io.fileconv.core.Region;
import io.strimzi.api.kafka.model.common.authentication.KafkaClientAuthenticationScramSha512;
import io.strimzi.api.kafka.model.connect.KafkaConnect;
import io.strimzi.api.kafka.model.connect.KafkaConnectSpec;
import io.strimzi.api.kafka.model.connect.build.DockerOutput;
import io.strimzi.api.kafka.model.connect.build.TgzArtifact;
import io.strimzi.api.kafka.model.connector.KafkaConnector;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.kafka.KafkaAuthorizationSimple;
import io.strimzi.api.kafka.model.kafka.listener.GenericKafkaListener;
import io.strimzi.api.kafka.model.kafka.listener.KafkaListenerAuthenticationScramSha512;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePool;
import io.strimzi.api.kafka.model.nodepool.ProcessRoles;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import io.strimzi.api.kafka.model.user.KafkaUser;
import io.strimzi.api.kafka.model.user.KafkaUserAuthorizationSimple;
import io.strimzi.api.kafka.model.user.KafkaUserScramSha512ClientAuthentication;
import io.strimzi.api.kafka.model.user.acl.AclOperation;
import io.strimzi.api.kafka.model.user.acl.AclRule;
import io.strimzi.api.kafka.model.user.acl.AclRuleGroupResource;
import io.strimzi.api.kafka.model.user.acl.AclRuleTopicResource;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * strimzi/ (one cell's Kafka + Debezium) rendered with each cell's values, parsed into io.strimzi:api 0.51 classes,
 * and cross-checked with io.fileconv.core.Region, the dispatcher's code and the cell's fileconv release.
 */
class StrimziManifestsTest {
    private static final Pattern PROVIDER_REF = Pattern.compile("\\$\\{strimzisecrets:([a-z0-9-]+)/([a-z0-9.-]+):([a-z.]+)}");

    private static <T> List<T> all(List<HasMetadata> objects, Class<T> type) {
        return objects.stream().filter(type::isInstance).map(type::cast).toList();
    }

    private static <T> T single(List<HasMetadata> objects, Class<T> type) {
        List<T> list = all(objects, type);
        assertThat(list).as(type.getSimpleName()).hasSize(1);
        return list.get(0);
    }

    private static KafkaConnector connector(Region region) {
        return single(KafkaCellChart.objects(region.code()), KafkaConnector.class);
    }

    @ParameterizedTest
    @EnumSource(Region.class)
    void everyObjectHasItsTypedModelWithoutUnknownFields(Region region) {
        for (HasMetadata o : KafkaCellChart.objects(region.code())) {
            assertThat(o.getClass().getSimpleName()).as("%s has a typed model", o.getKind()).isNotEqualTo("GenericKubernetesResource");
            assertThat(ModelChecks.unknownFields(o)).as("%s/%s", o.getKind(), o.getMetadata().getName()).isEmpty();
            assertThat(o.getMetadata().getNamespace()).as("installed in the release namespace").isNull();
        }
    }

    @ParameterizedTest
    @EnumSource(Region.class)
    void kraftClusterWithAQuorumWhoseOnlyListenerIsTlsWithScramUsersAndAcls(Region region) {
        List<HasMetadata> objects = KafkaCellChart.objects(region.code());
        Kafka kafka = single(objects, Kafka.class);
        KafkaNodePool controllers = all(objects, KafkaNodePool.class).stream()
                .filter(p -> p.getSpec().getRoles().contains(ProcessRoles.CONTROLLER)).findFirst().orElseThrow();
        KafkaNodePool brokers = all(objects, KafkaNodePool.class).stream()
                .filter(p -> p.getSpec().getRoles().contains(ProcessRoles.BROKER)).findFirst().orElseThrow();
        assertThat(controllers.getSpec().getReplicas()).isOdd().isGreaterThanOrEqualTo(3);
        assertThat(brokers.getSpec().getReplicas()).isGreaterThanOrEqualTo(3);
        assertThat(kafka.getSpec().getKafka().getConfig()).containsEntry("min.insync.replicas", 2)
                .containsEntry("auto.create.topics.enable", false);
        assertThat(kafka.getSpec().getKafka().getListeners()).hasSize(1);
        GenericKafkaListener listener = kafka.getSpec().getKafka().getListeners().get(0);
        assertThat(listener.isTls()).isTrue();
        assertThat(listener.getAuth()).isInstanceOf(KafkaListenerAuthenticationScramSha512.class);
        assertThat(kafka.getSpec().getKafka().getAuthorization()).isInstanceOf(KafkaAuthorizationSimple.class);
        assertThat(kafka.getSpec().getEntityOperator().getUserOperator()).as("User Operator manages the KafkaUsers").isNotNull();
    }

    @ParameterizedTest
    @EnumSource(Region.class)
    void theCellsFileconvReleaseConnectsToThisKafkaAsTheDispatcherUserAndIsAllowedThrough(Region region) {
        List<HasMetadata> cdc = KafkaCellChart.objects(region.code());
        Kafka kafka = single(cdc, Kafka.class);
        GenericKafkaListener listener = kafka.getSpec().getKafka().getListeners().get(0);
        KafkaUser dispatcher = all(cdc, KafkaUser.class).stream()
                .filter(u -> !u.getMetadata().getName().equals(single(cdc, KafkaConnect.class).getMetadata().getName()))
                .findFirst().orElseThrow();

        List<HasMetadata> app = Chart.renderCell(region.code());
        Deployment operator = Chart.ofType(app, Deployment.class).stream()
                .filter(d -> d.getMetadata().getName().endsWith("-operator")).findFirst().orElseThrow();
        Map<String, String> env = new HashMap<>();
        operator.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().forEach(e -> env.put(e.getName(),
                e.getValue() != null || e.getValueFrom().getSecretKeyRef() == null ? String.valueOf(e.getValue())
                        : "secret:" + e.getValueFrom().getSecretKeyRef().getName() + "/" + e.getValueFrom().getSecretKeyRef().getKey()));
        assertThat(env).containsEntry("FILECONV_KAFKA_BOOTSTRAP", kafka.getMetadata().getName() + "-kafka-bootstrap:" + listener.getPort())
                .containsEntry("FILECONV_KAFKA_SECURITY_PROTOCOL", "SASL_SSL")
                .containsEntry("FILECONV_KAFKA_SASL_MECHANISM", "SCRAM-SHA-512")
                .containsEntry("FILECONV_KAFKA_USERNAME", dispatcher.getMetadata().getName())
                // The User Operator writes a SCRAM user's password into a Secret of the user's name, key "password".
                .containsEntry("FILECONV_KAFKA_PASSWORD", "secret:" + dispatcher.getMetadata().getName() + "/password");
        assertThat(dispatcher.getSpec().getAuthentication()).isInstanceOf(KafkaUserScramSha512ClientAuthentication.class);
        String caFile = env.get("FILECONV_KAFKA_TRUSTSTORE_FILE");
        var caMount = operator.getSpec().getTemplate().getSpec().getContainers().get(0).getVolumeMounts().stream()
                .filter(m -> caFile.startsWith(m.getMountPath() + "/")).findFirst().orElseThrow();
        String caSecret = operator.getSpec().getTemplate().getSpec().getVolumes().stream()
                .filter(v -> v.getName().equals(caMount.getName())).findFirst().orElseThrow().getSecret().getSecretName();
        assertThat(caSecret).as("the CA of the brokers' certificates").isEqualTo(kafka.getMetadata().getName() + "-cluster-ca-cert");

        // The listener lets the operator pods in (their template labels match a peer) ...
        Map<String, String> podLabels = operator.getSpec().getTemplate().getMetadata().getLabels();
        assertThat(listener.getNetworkPolicyPeers()).anySatisfy(peer ->
                assertThat(podLabels).containsAllEntriesOf(peer.getPodSelector().getMatchLabels()));
        // ... and the operator's own NetworkPolicy lets it out to the brokers on that port.
        NetworkPolicy operatorPolicy = Chart.ofType(app, NetworkPolicy.class).stream()
                .filter(p -> p.getMetadata().getName().endsWith("-operator")).findFirst().orElseThrow();
        assertThat(operatorPolicy.getSpec().getEgress()).anySatisfy(rule -> {
            assertThat(rule.getTo()).anySatisfy(to -> assertThat(to.getPodSelector()).isNotNull()
                    .satisfies(sel -> assertThat(sel.getMatchLabels()).containsEntry("strimzi.io/cluster", kafka.getMetadata().getName())
                            .containsEntry("strimzi.io/kind", "Kafka")));
            assertThat(rule.getPorts()).anySatisfy(p -> assertThat(p.getPort().getIntVal()).isEqualTo(listener.getPort()));
        });
    }

    @ParameterizedTest
    @EnumSource(Region.class)
    void theDispatcherMayOnlyReadItsRegionsTopicInItsGroup(Region region) throws IOException {
        List<HasMetadata> cdc = KafkaCellChart.objects(region.code());
        KafkaUser dispatcher = all(cdc, KafkaUser.class).stream().filter(u -> u.getMetadata().getName().equals("fileconv-dispatcher"))
                .findFirst().orElseThrow();
        Matcher group = Pattern.compile("String GROUP = \"([^\"]+)\"").matcher(Repo.read(
                Repo.path("pipeline/src/main/java/io/fileconv/pipeline/dispatch/Dispatcher.java")));
        assertThat(group.find()).isTrue();
        List<AclRule> acls = dispatcher.getSpec().getAuthorization() instanceof KafkaUserAuthorizationSimple s
                ? s.getAcls() : List.of();
        assertThat(acls).hasSize(2).allSatisfy(acl -> assertThat(acl.getOperations())
                .containsExactlyInAnyOrder(AclOperation.READ, AclOperation.DESCRIBE));
        assertThat(acls).anySatisfy(acl -> assertThat(acl.getResource()).isInstanceOfSatisfying(AclRuleTopicResource.class,
                t -> assertThat(t.getName()).isEqualTo(region.filesTopic())));
        assertThat(acls).anySatisfy(acl -> assertThat(acl.getResource()).isInstanceOfSatisfying(AclRuleGroupResource.class,
                g -> assertThat(g.getName()).isEqualTo(group.group(1))));
    }

    @ParameterizedTest
    @EnumSource(Region.class)
    void topicsOfTheCellAreTheFilesTopicItsSchemaHistoryAndDebeziumsHeartbeats(Region region) {
        List<HasMetadata> cdc = KafkaCellChart.objects(region.code());
        Map<String, Object> cfg = connector(region).getSpec().getConfig();
        String heartbeat = Heartbeat.HEARTBEAT_TOPICS_PREFIX.defaultValueAsString() + "." + cfg.get("topic.prefix");
        Map<String, KafkaTopic> topics = all(cdc, KafkaTopic.class).stream()
                .collect(Collectors.toMap(t -> t.getSpec().getTopicName(), t -> t));
        assertThat(topics.keySet()).containsExactlyInAnyOrder(region.filesTopic(),
                (String) cfg.get("schema.history.internal.kafka.topic"), heartbeat);
        assertThat(topics.get(region.filesTopic()).getSpec().getPartitions()).isGreaterThanOrEqualTo(3);
        KafkaTopic history = topics.get((String) cfg.get("schema.history.internal.kafka.topic"));
        assertThat(history.getSpec().getPartitions()).isEqualTo(1);
        assertThat(history.getSpec().getConfig()).containsEntry("retention.ms", -1);
        assertThat(cfg.get("heartbeat.interval.ms")).as("heartbeats keep a quiet region's binlog position").isNotNull();
        assertThat(Integer.parseInt(cfg.get("heartbeat.interval.ms").toString())).isPositive();
    }

    @ParameterizedTest
    @EnumSource(Region.class)
    void connectBuildsDebeziumsPublishedPluginArchiveAtTheEmbeddedStacksVersionCheckedBySha512(Region region) throws Exception {
        KafkaConnect connect = single(KafkaCellChart.objects(region.code()), KafkaConnect.class);
        Matcher m = Pattern.compile("<debezium.version>([^<]+)</debezium.version>").matcher(Repo.read(Repo.path("pom.xml")));
        assertThat(m.find()).isTrue();
        String debezium = m.group(1);
        TgzArtifact tgz = (TgzArtifact) connect.getSpec().getBuild().getPlugins().get(0).getArtifacts().get(0);
        assertThat(connect.getSpec().getBuild().getPlugins()).hasSize(1);
        assertThat(tgz.getUrl()).isEqualTo("https://repo1.maven.org/maven2/io/debezium/debezium-connector-mysql/" + debezium
                + "/debezium-connector-mysql-" + debezium + "-plugin.tar.gz");
        // The archive Maven resolved for this test is the one at that URL (same coordinates); its digest must match.
        Path archive = Path.of(System.getProperty("debezium.plugin.archive"));
        assertThat(archive.getFileName().toString()).isEqualTo("debezium-connector-mysql-" + debezium + "-plugin.tar.gz");
        MessageDigest sha512 = MessageDigest.getInstance("SHA-512");
        try (InputStream in = Files.newInputStream(archive)) {
            in.transferTo(new DigestOutputStream(OutputStream.nullOutputStream(), sha512));
        }
        assertThat(tgz.getSha512sum()).isEqualTo(HexFormat.of().formatHex(sha512.digest()));
        assertThat(((DockerOutput) connect.getSpec().getBuild().getOutput()).getImage()).endsWith(":" + debezium);
        assertThat(connect.getSpec().getAuthentication()).isInstanceOfSatisfying(KafkaClientAuthenticationScramSha512.class,
                a -> assertThat(a.getPasswordSecret().getSecretName()).isEqualTo(a.getUsername()));
        assertThat(connect.getMetadata().getAnnotations()).containsEntry("strimzi.io/use-connector-resources", "true");
    }

    @ParameterizedTest
    @EnumSource(Region.class)
    void connectsProducersSendEachChangeAtOnceAndItsConfigAvoidsWhatStrimziRefuses(Region region) {
        KafkaConnect connect = single(KafkaCellChart.objects(region.code()), KafkaConnect.class);
        Map<String, Object> cfg = connect.getSpec().getConfig();
        // The default this overrides (kafka-clients 4.x, KIP-1030): 5 ms.
        assertThat(ProducerConfig.configDef().defaultValues().get(ProducerConfig.LINGER_MS_CONFIG)).isEqualTo(5L);
        assertThat(cfg).containsEntry("producer." + ProducerConfig.LINGER_MS_CONFIG, 0);
        // Strimzi's operator drops (and reports) keys with these prefixes instead of passing them to the workers.
        List<String> forbidden = Arrays.stream(KafkaConnectSpec.FORBIDDEN_PREFIXES.split(",")).map(String::trim).toList();
        List<String> allowed = Arrays.stream(KafkaConnectSpec.FORBIDDEN_PREFIX_EXCEPTIONS.split(",")).map(String::trim).toList();
        assertThat(cfg.keySet()).allSatisfy(key -> assertThat(allowed.contains(key) || forbidden.stream().noneMatch(key::startsWith))
                .as("%s is a key Strimzi refuses", key).isTrue());
    }

    @ParameterizedTest
    @EnumSource(Region.class)
    void aSingleChangeLeavesTheConnectorsQueueWithoutWaitingForThePollInterval(Region region) throws Exception {
        Map<String, Object> cfg = connector(region).getSpec().getConfig();
        // The queue Debezium puts between the binlog reader and Connect's task. With a long interval, a batch larger
        // than one event holds this one until the queue returns control anyway (RETURN_CONTROL_INTERVAL, 5 s): a poll
        // that ends well before that did not wait for its timer.
        ChangeEventQueue<DataChangeEvent> queue = new ChangeEventQueue.Builder<DataChangeEvent>()
                .pollInterval(Duration.ofHours(1)).maxBatchSize(Integer.parseInt(cfg.get("max.batch.size").toString()))
                .maxQueueSize(8192).loggingContextSupplier(() -> LoggingContext.forConnector("mysql", "test", "streaming"))
                .build();
        queue.enqueue(new DataChangeEvent(null));
        assertThat(assertTimeoutPreemptively(ConfigurationDefaults.RETURN_CONTROL_INTERVAL.dividedBy(2), queue::poll)).hasSize(1);
        // The interval only paces an idle task (each idle poll ends in up to 1 ms of busy waiting).
        assertThat(Long.parseLong(cfg.get("poll.interval.ms").toString())).isGreaterThanOrEqualTo(100);
    }

    @ParameterizedTest
    @EnumSource(Region.class)
    void schemaHistoryClientsUseTlsAndScramThroughTheConfigProviderNotMountedPaths(Region region) {
        List<HasMetadata> cdc = KafkaCellChart.objects(region.code());
        KafkaConnect connect = single(cdc, KafkaConnect.class);
        Map<String, Object> cfg = connector(region).getSpec().getConfig();
        // Strimzi stopped mounting trusted certificates under /opt/kafka/connect-certs in 0.47.
        assertThat(KafkaCellChart.render(region.code())).doesNotContain("/opt/kafka/connect-certs");
        String trusted = connect.getMetadata().getName() + "-connect-tls-trusted-certs";
        for (String client : List.of("producer", "consumer")) {
            String p = "schema.history.internal." + client + ".";
            assertThat(cfg).containsEntry(p + "security.protocol", "SASL_SSL").containsEntry(p + "sasl.mechanism", "SCRAM-SHA-512")
                    .containsEntry(p + "ssl.truststore.type", "PEM")
                    .containsEntry(p + "ssl.truststore.certificates", "${strimzisecrets:" + Chart.NAMESPACE + "/" + trusted + ":ca.crt}")
                    .containsEntry(p + "sasl.jaas.config", "${strimzisecrets:" + Chart.NAMESPACE + "/"
                            + ((KafkaClientAuthenticationScramSha512) connect.getSpec().getAuthentication()).getPasswordSecret().getSecretName()
                            + ":sasl.jaas.config}");
        }
        assertThat(cfg.get("schema.history.internal.kafka.bootstrap.servers")).isEqualTo(connect.getSpec().getBootstrapServers());
    }

    @ParameterizedTest
    @EnumSource(Region.class)
    void everySecretTheConnectorReadsIsGrantedToConnectsServiceAccountAndNothingMore(Region region) {
        List<HasMetadata> cdc = KafkaCellChart.objects(region.code());
        KafkaConnect connect = single(cdc, KafkaConnect.class);
        Set<String> referenced = new TreeSet<>();
        connector(region).getSpec().getConfig().values().forEach(v -> {
            Matcher ref = PROVIDER_REF.matcher(String.valueOf(v));
            while (ref.find()) {
                assertThat(ref.group(1)).as("a Secret of the release namespace").isEqualTo(Chart.NAMESPACE);
                referenced.add(ref.group(2));
            }
        });
        assertThat(referenced).hasSize(3);
        Role role = single(cdc, Role.class);
        assertThat(role.getRules()).singleElement().satisfies(r -> {
            assertThat(r.getVerbs()).containsExactly("get");
            assertThat(r.getResources()).containsExactly("secrets");
            assertThat(new TreeSet<>(r.getResourceNames())).isEqualTo(referenced);
        });
        assertThat(single(cdc, RoleBinding.class).getSubjects()).singleElement()
                .satisfies(s -> assertThat(s.getName()).isEqualTo(connect.getMetadata().getName() + "-connect"));
    }

    @ParameterizedTest
    @EnumSource(Region.class)
    void theConnectorCapturesOnlyTheFilesTableAndOnlyTheColumnsTheDispatcherReads(Region region) {
        Map<String, Object> cfg = connector(region).getSpec().getConfig();
        assertThat(cfg).containsEntry("database.include.list", region.database())
                .containsEntry("table.include.list", region.database() + ".files");
        Set<String> read = new TreeSet<>();
        Matcher m = Pattern.compile("(?:after|before)\\.(?:get|path|has|hasNonNull)\\(\"([a-z_]+)\"\\)")
                .matcher(Repo.read(Repo.path("pipeline/src/main/java/io/fileconv/pipeline/dispatch/FileChange.java")));
        while (m.find()) {
            read.add(m.group(1));
        }
        assertThat(read).contains("id", "status");
        Pattern include = Pattern.compile((String) cfg.get("column.include.list"));
        Set<String> columns = new TreeSet<>(Arrays.asList("id", "user_id", "original_name", "detected_type", "size_bytes", "sha256",
                "input_key", "output_key", "status", "failure_class", "failure_reason", "attempts", "request_id", "conversion_ms",
                "created_at", "updated_at", "queued_at", "started_at", "finished_at"));
        Set<String> included = columns.stream().filter(c -> include.matcher(region.database() + ".files." + c).matches())
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(included).as("columns Debezium puts into Kafka").isEqualTo(read);
        assertThat(cfg.get("column.include.list")).as("the embedded stack's connector uses the same list")
                .isEqualTo(ChangeEvents.columnIncludeList(region));
        assertThat(included).doesNotContain("original_name", "failure_reason", "input_key", "output_key");
    }

    @Test
    void eachCellHasItsOwnBinlogClientIdAndRoutesDebeziumsTopicToTheDispatchersTopic() {
        Set<Object> serverIds = new HashSet<>();
        for (Region region : Region.values()) {
            Map<String, Object> cfg = connector(region).getSpec().getConfig();
            assertThat(connector(region).getSpec().getClassName()).isEqualTo("io.debezium.connector.mysql.MySqlConnector");
            assertThat(connector(region).getSpec().getTasksMax()).isEqualTo(1);
            assertThat(serverIds.add(cfg.get("database.server.id"))).as("unique database.server.id").isTrue();
            String debeziumTopic = cfg.get("topic.prefix") + "." + region.database() + ".files";
            Matcher route = Pattern.compile((String) cfg.get("transforms.route.regex")).matcher(debeziumTopic);
            assertThat(route.matches()).as("router regex matches %s", debeziumTopic).isTrue();
            assertThat(route.replaceFirst((String) cfg.get("transforms.route.replacement"))).isEqualTo(region.filesTopic());
        }
    }

    @ParameterizedTest
    @EnumSource(Region.class)
    void argoCdAppliesKafkaBeforeConnectBeforeFileconvAndNeverPrunesData(Region region) {
        for (HasMetadata o : KafkaCellChart.objects(region.code())) {
            Map<String, String> ann = o.getMetadata().getAnnotations();
            int wave = Integer.parseInt(ann.get("argocd.argoproj.io/sync-wave"));
            boolean connectSide = o instanceof KafkaConnect || o instanceof KafkaConnector;
            assertThat(wave).as("%s/%s", o.getKind(), o.getMetadata().getName()).isEqualTo(connectSide ? -1 : -2);
            if (o instanceof Kafka || o instanceof KafkaNodePool || o instanceof KafkaTopic) {
                assertThat(ann).containsEntry("argocd.argoproj.io/sync-options", "Prune=false,Delete=false");
            }
        }
    }
}
