package io.fileconv.operator.dispatch;

import com.zaxxer.hikari.HikariDataSource;
import io.fileconv.core.ConsumerOffsetStore;
import io.fileconv.core.ConversionLauncher;
import io.fileconv.core.ConversionRequest;
import io.fileconv.core.Databases;
import io.fileconv.core.Env;
import io.fileconv.core.FileRepository;
import io.fileconv.core.FileStatus;
import io.fileconv.core.Ids;
import io.fileconv.core.KafkaClientSettings;
import io.fileconv.core.Region;
import io.fileconv.core.S3Keys;
import io.fileconv.core.metrics.FileconvMetrics;
import io.fileconv.pipeline.dispatch.Dispatcher;
import io.fileconv.pipeline.dispatch.RegionContext;
import io.fileconv.core.testing.TestInfraExtension;
import io.fileconv.core.testing.TestInfra;
import io.fileconv.embedded.EmbeddedKafka;
import io.fileconv.embedded.FreePorts;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The dispatcher against a KRaft broker with a SASL_PLAINTEXT SCRAM-SHA-512 listener and the StandardAuthorizer,
 * holding exactly the ACLs docs/CONFIGURATION.md lists for the dispatcher (READ on the region's files topic and on
 * its group): it consumes with the right password, reports a clear error with a wrong one or without the group ACL,
 * and launches the object derived from the row's ids even when the event names other keys. Its own broker and its
 * own schema on the shared test MariaDB (TestInfraExtension).
 */
@ExtendWith(TestInfraExtension.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class KafkaSecurityTest {
    private static final String USER = "fileconv-operator";
    /** Quotes and a backslash: the JAAS line must carry them as they are. */
    private static final String PASSWORD = "s3cr\"et\\pw";
    private static final String GROUP = "fileconv-dispatcher-kafkasec";
    private static final Path DIR = Path.of("target", "kafka-security").toAbsolutePath();

    private static EmbeddedKafka broker;
    private static int saslPort;
    private static HikariDataSource ds;
    private static FileRepository files;

    @BeforeAll
    static void start(TestInfra infra) throws Exception {
        TestInfra.deleteTree(DIR);
        List<Integer> ports = FreePorts.take(3);
        saslPort = ports.get(2);
        Properties sasl = new Properties();
        sasl.put("listeners", "PLAINTEXT://127.0.0.1:" + ports.get(0) + ",CONTROLLER://127.0.0.1:" + ports.get(1)
                + ",SASL_PLAINTEXT://127.0.0.1:" + saslPort);
        sasl.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + ports.get(0) + ",SASL_PLAINTEXT://127.0.0.1:"
                + saslPort);
        sasl.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,"
                + "SASL_PLAINTEXT:SASL_PLAINTEXT");
        sasl.put("sasl.enabled.mechanisms", "SCRAM-SHA-512");
        sasl.put("listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config",
                "org.apache.kafka.common.security.scram.ScramLoginModule required;");
        sasl.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
        // The PLAINTEXT and controller listeners (test set-up, inter-broker) are ANONYMOUS; clients are not.
        sasl.put("super.users", "User:ANONYMOUS");
        sasl.put("allow.everyone.if.no.acl.found", "false");
        broker = EmbeddedKafka.start(DIR, ports.get(0), ports.get(1), sasl);
        broker.createTopics(List.of(Region.IN.filesTopic()), 1);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap()))) {
            admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(USER,
                    new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 4096), PASSWORD))).all().get();
            String principal = "User:" + USER;
            admin.createAcls(List.of(
                    new AclBinding(new ResourcePattern(ResourceType.TOPIC, Region.IN.filesTopic(), PatternType.LITERAL),
                            new AccessControlEntry(principal, "*", AclOperation.READ, AclPermissionType.ALLOW)),
                    new AclBinding(new ResourcePattern(ResourceType.GROUP, GROUP, PatternType.LITERAL),
                            new AccessControlEntry(principal, "*", AclOperation.READ, AclPermissionType.ALLOW))))
                    .all().get();
        }
        try (Connection c = DriverManager.getConnection(infra.jdbcBase(), "root", "")) {
            c.createStatement().execute("DROP DATABASE IF EXISTS fileconv_kafkasec");
            c.createStatement().execute("CREATE DATABASE fileconv_kafkasec");
        }
        ds = Databases.pool(infra.jdbcBase(), "fileconv_kafkasec", "root", "", 4);
        Databases.migrateRegion(ds);
        files = new FileRepository(Region.IN, ds);
    }

    @AfterAll
    static void stop() {
        if (ds != null) {
            ds.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    private static KafkaClientSettings scram(String password) {
        return KafkaClientSettings.from(new Env(Map.of("FILECONV_KAFKA_BOOTSTRAP", "127.0.0.1:" + saslPort,
                "FILECONV_KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT", "FILECONV_KAFKA_USERNAME", USER,
                "FILECONV_KAFKA_PASSWORD", password)));
    }

    private static Dispatcher dispatcher(KafkaClientSettings kafka, String group, List<ConversionRequest> launched) {
        ConversionLauncher launcher = new ConversionLauncher() {
            @Override
            public void launch(ConversionRequest request) {
                launched.add(request);
            }

            @Override
            public void cancel(Region region, String fileId, int attempt) {
            }
        };
        return new Dispatcher(kafka, group, List.of(new RegionContext(Region.IN, files, new ConsumerOffsetStore(ds),
                "fileconv-in")), launcher, FileconvMetrics.none());
    }

    @Test
    void theDispatcherReadsWithItsScramCredentialAndLaunchesTheObjectOfTheRowsIds() throws Exception {
        String id = Ids.newId();
        files.insertUploaded(id, "alice", "report.docx", "application/msword", 10, "0".repeat(64), "req-sec");
        // A forged change event: another owner and keys that point at someone else's object.
        broker.produce(Region.IN.filesTopic(), id, "{\"op\":\"c\",\"before\":null,\"after\":{\"id\":\"" + id
                + "\",\"user_id\":\"mallory\",\"status\":\"UPLOADED\",\"attempts\":1,"
                + "\"input_key\":\"bob/other/input\",\"output_key\":\"bob/other/output.pdf\"}}");

        List<ConversionRequest> launched = new CopyOnWriteArrayList<>();
        try (Dispatcher d = dispatcher(scram(PASSWORD), GROUP, launched)) {
            d.start();
            await().atMost(Duration.ofSeconds(60)).until(() -> launched.size() == 1);
            assertThat(d.failure()).isNull();
        }
        ConversionRequest r = launched.get(0);
        assertThat(r.fileId()).isEqualTo(id);
        assertThat(r.userId()).isEqualTo("alice");
        assertThat(r.inputKey()).isEqualTo(S3Keys.input("alice", id)).isEqualTo("alice/" + id + "/input");
        assertThat(r.outputKey()).isEqualTo(S3Keys.output("alice", id));
        assertThat(r.requestId()).isEqualTo("req-sec");
        assertThat(files.find(id).orElseThrow().status()).isEqualTo(FileStatus.QUEUED);
    }

    @Test
    void aWrongPasswordIsAClearErrorAndConsumesNothing() throws Exception {
        List<ConversionRequest> launched = new CopyOnWriteArrayList<>();
        try (Dispatcher d = dispatcher(scram("wrong"), GROUP + "-wrong", launched)) {
            d.start();
            await().atMost(Duration.ofSeconds(60)).until(() -> d.failure() != null);
            assertThat(d.failure()).startsWith("Kafka authentication failed")
                    .contains("SASL_PLAINTEXT SCRAM-SHA-512 as user " + USER)
                    .contains("FILECONV_KAFKA_USERNAME/FILECONV_KAFKA_PASSWORD");
        }
        assertThat(launched).isEmpty();
    }

    @Test
    void refusedCredentialsMakeTheOperatorsDispatcherNotReady() throws Exception {
        Env env = new Env(Map.of("FILECONV_KAFKA_BOOTSTRAP", "127.0.0.1:" + saslPort,
                "FILECONV_KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT", "FILECONV_KAFKA_USERNAME", USER,
                "FILECONV_KAFKA_PASSWORD", "wrong"));
        DispatcherCompanion companion = new DispatcherCompanion(env);
        assertThat(companion.notReadyReason()).isNull();
        try (AutoCloseable running = companion.start(new ConversionLauncher() {
            @Override
            public void launch(ConversionRequest request) {
                throw new AssertionError("nothing may be launched");
            }

            @Override
            public void cancel(Region region, String fileId, int attempt) {
                throw new AssertionError("nothing may be cancelled");
            }
        }, Map.of(Region.IN, files))) {
            await().atMost(Duration.ofSeconds(60)).until(() -> companion.notReadyReason() != null);
            assertThat(companion.notReadyReason()).startsWith("Kafka authentication failed");
        }
    }

    @Test
    void aGroupWithoutAnAclIsAClearError() throws Exception {
        List<ConversionRequest> launched = new CopyOnWriteArrayList<>();
        try (Dispatcher d = dispatcher(scram(PASSWORD), "a-group-without-acl", launched)) {
            d.start();
            await().atMost(Duration.ofSeconds(60)).until(() -> d.failure() != null);
            assertThat(d.failure()).startsWith("Kafka authorization failed").contains("group a-group-without-acl");
        }
        assertThat(launched).isEmpty();
    }
}
