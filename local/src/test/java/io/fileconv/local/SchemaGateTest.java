package io.fileconv.local;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fileconv.core.Env;
import io.fileconv.embedded.EmbeddedKafka;
import io.fileconv.embedded.EmbeddedMariaDb;
import io.fileconv.embedded.EmbeddedS3;
import io.fileconv.embedded.FreePorts;
import io.fileconv.core.ObjectStore;
import io.fileconv.core.ObjectStoreConfig;
import io.fileconv.core.Region;
import io.fileconv.core.metrics.FileconvMetrics;
import io.fileconv.operator.OperatorMain;
import io.fileconv.pipeline.dispatch.Dispatcher;
import io.fileconv.operator.k8s.OperatorEnvironment;
import io.fileconv.operator.migrate.MigrateMain;
import io.fileconv.testkit.MockCluster;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * FILECONV_DB_MIGRATE=false on a real MariaDB whose schemas are behind the code (fileconv_in at V1, no directory):
 * the operator and the API wait with /healthz 200 and /readyz 503 naming the schema, the dispatcher has not joined
 * its consumer group; two MigrateMain runs at once (as from two cells) both succeed, the processes then become ready
 * and the dispatcher joins; a third run changes nothing. Its own MariaDB and Kafka: the shared stack's schemas are
 * migrated and its group is in use.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class SchemaGateTest {
    private static final Path DIR = Path.of("target", "schema-gate").toAbsolutePath();
    private static EmbeddedMariaDb mariaDb;
    private static EmbeddedKafka kafka;
    private static EmbeddedS3 s3;
    private static Map<String, String> vars;

    @BeforeAll
    static void start() throws Exception {
        EmbeddedStack.deleteTree(DIR);
        List<Integer> ports = FreePorts.take(4);
        mariaDb = EmbeddedMariaDb.start(DIR.resolve("mariadb"), EmbeddedMariaDb.defaultBinaries(), ports.get(0));
        kafka = EmbeddedKafka.start(DIR.resolve("kafka"), ports.get(1), ports.get(2));
        kafka.createTopics(List.of(Region.IN.filesTopic()), 1);
        s3 = EmbeddedS3.start(DIR.resolve("s3"), ports.get(3));
        try (ObjectStore store = new ObjectStore(new ObjectStoreConfig(s3.endpoint(), "us-east-1",
                EmbeddedS3.ACCESS_KEY, EmbeddedS3.SECRET_KEY, true))) {
            store.ensureBucket(Region.IN.defaultBucket());
        }
        // The previous release's schema: the region at V1 only, the directory not created.
        mariaDb.createDatabases(List.of(Region.IN.database()));
        Flyway.configure().dataSource(EmbeddedMariaDb.jdbcBase(ports.get(0)).replace("/?", "/" + Region.IN.database()
                + "?"), "root", "").locations("classpath:db/region").target("1").load().migrate();

        vars = new HashMap<>();
        vars.put("FILECONV_REGIONS", "in");
        vars.put("FILECONV_DB_URL", EmbeddedMariaDb.jdbcBase(ports.get(0)));
        vars.put("FILECONV_DB_USER", "root");
        vars.put("FILECONV_DB_MIGRATE", "false");
        vars.put("FILECONV_KAFKA_BOOTSTRAP", kafka.bootstrap());
        vars.put("FILECONV_S3_ENDPOINT", s3.endpoint().toString());
        vars.put("FILECONV_S3_ACCESS_KEY", EmbeddedS3.ACCESS_KEY);
        vars.put("FILECONV_S3_SECRET_KEY", EmbeddedS3.SECRET_KEY);
        vars.put("FILECONV_CONVERTER_IMAGE", "conv:1");
        vars.put("FILECONV_LEADER_ELECTION", "false");
        vars.put("FILECONV_OPERATOR_NAMESPACE", "fileconv");
        vars.put("FILECONV_PORT", "0");
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[]{s3, kafka, mariaDb}) {
            if (c != null) {
                c.close();
            }
        }
    }

    @Test
    void processesWaitForTheMigrationStepAndStartAfterIt() throws Exception {
        KubernetesMockServer server = MockCluster.start();
        Env env = new Env(vars);
        try (KubernetesClient kube = server.createClient();
             OperatorMain operator = new OperatorMain();
             ApiNode api = ApiNode.start(env, DIR.resolve("api"), 0, 1 << 20, () -> true)) {
            CompletableFuture<Void> operatorStarted = CompletableFuture.runAsync(() -> {
                try {
                    operator.start(kube, new OperatorEnvironment(vars),
                            OperatorMain.companions(env, FileconvMetrics.none()));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            await().atMost(Duration.ofSeconds(60)).until(() -> operator.healthPort() > 0);
            String needs = "schema fileconv_in at version 1, needs " + regionMigrations().stream()
                    .mapToInt(Integer::intValue).max().orElseThrow();
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                assertThat(get(operator.healthPort(), "/healthz").statusCode()).isEqualTo(200);
                HttpResponse<String> ready = get(operator.healthPort(), "/readyz");
                assertThat(ready.statusCode()).isEqualTo(503);
                assertThat(ready.body()).contains(needs).contains("FILECONV_DB_MIGRATE=false");
                assertThat(get(api.port(), "/healthz").statusCode()).isEqualTo(200);
                HttpResponse<String> apiReady = get(api.port(), "/readyz");
                assertThat(apiReady.statusCode()).isEqualTo(503);
                assertThat(apiReady.body()).contains(needs);
            });
            assertThat(api.schemaGate().isOpen()).isFalse();
            assertThat(operatorStarted).isNotDone();
            assertThat(dispatcherMembers()).as("no consumer before the schema is ready").isZero();

            // Two cells' migration Jobs at once: Flyway's named lock lets one apply and the other find nothing to do.
            CompletableFuture<Integer> first = CompletableFuture.supplyAsync(() -> MigrateMain.run(env));
            CompletableFuture<Integer> second = CompletableFuture.supplyAsync(() -> MigrateMain.run(env));
            assertThat(first.get()).isZero();
            assertThat(second.get()).isZero();

            operatorStarted.get(90, TimeUnit.SECONDS);
            assertThat(get(operator.healthPort(), "/readyz").statusCode()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                assertThat(get(api.port(), "/readyz").statusCode()).isEqualTo(200);
                assertThat(dispatcherMembers()).as("the dispatcher joined its group").isEqualTo(1);
            });

            Map<String, Integer> applied = appliedMigrations();
            assertThat(applied).containsEntry(Region.IN.database(), regionMigrations().size())
                    .containsEntry("fileconv_directory", 2);
            assertThat(MigrateMain.run(env)).isZero();
            assertThat(appliedMigrations()).as("a second run is a no-op").isEqualTo(applied);
        } finally {
            MockCluster.stop(server);
        }
    }

    @Test
    void aFailedMigrationExitsNonZero() {
        Map<String, String> broken = new HashMap<>(vars);
        broken.put("FILECONV_DB_URL", "postgresql://nowhere/");
        assertThat(MigrateMain.run(new Env(broken))).isEqualTo(1);
    }

    /** Successful versioned migrations per schema (Flyway's history, schema-creation markers left out). */
    private static Map<String, Integer> appliedMigrations() throws Exception {
        Map<String, Integer> out = new HashMap<>();
        try (Connection c = DriverManager.getConnection(vars.get("FILECONV_DB_URL"), "root", "");
             Statement st = c.createStatement()) {
            for (String schema : List.of(Region.IN.database(), "fileconv_directory")) {
                try (ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM " + schema + ".flyway_schema_history"
                        + " WHERE success = 1 AND type = 'SQL'")) {
                    rs.next();
                    out.put(schema, rs.getInt(1));
                }
            }
        }
        return out;
    }

    /** Members of the dispatcher's group; none while the group does not exist (Kafka 4 reports it not found). */
    private static int dispatcherMembers() throws InterruptedException {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrap()))) {
            ConsumerGroupDescription group = admin.describeConsumerGroups(List.of(Dispatcher.GROUP)).describedGroups()
                    .get(Dispatcher.GROUP).get();
            return group.members().size();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof GroupIdNotFoundException) {
                return 0;
            }
            throw new IllegalStateException(e);
        }
    }

    private static HttpResponse<String> get(int port, String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The versions of the region schema's migrations as the build ships them (core's db/region/V*__*.sql). */
    private static List<Integer> regionMigrations() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("..", "core", "src", "main", "resources", "db", "region"))) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.matches("V\\d+__.+\\.sql"))
                    .map(n -> Integer.parseInt(n.substring(1, n.indexOf("__")))).sorted().toList();
        }
    }
}
