package io.fileconv.operator.sweep;

import com.zaxxer.hikari.HikariDataSource;
import io.fabric8.kubernetes.api.model.authorization.v1.ResourceRuleBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReviewBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fileconv.core.ConversionRequest;
import io.fileconv.core.Databases;
import io.fileconv.core.FailureClass;
import io.fileconv.core.FileRecord;
import io.fileconv.core.FileRepository;
import io.fileconv.core.FileStatus;
import io.fileconv.core.Ids;
import io.fileconv.core.Region;
import io.fileconv.core.metrics.FileconvMetrics;
import io.fileconv.core.metrics.RecoveryMetrics;
import io.fileconv.core.testing.TestInfraExtension;
import io.fileconv.core.testing.TestInfra;
import io.fileconv.operator.k8s.FileconvOperator;
import io.fileconv.operator.k8s.KubernetesLauncher;
import io.fileconv.operator.k8s.OperatorEnvironment;
import io.fileconv.operator.k8s.OperatorSettings;
import io.fileconv.operator.k8s.crd.FileConversion;
import io.fileconv.pipeline.status.FileRepositoryStatusSink;
import io.fileconv.pipeline.sweep.ConversionSweeper;
import io.fileconv.testkit.MockCluster;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The leader's sweeper on a real MariaDB (a schema of its own, so no dispatcher sees these rows) and fabric8's
 * mock API server with the project's CRDs: rows left QUEUED or CONVERTING past the grace period without their
 * FileConversion are relaunched or failed retryably; rows with a live resource, and recent rows, are left alone;
 * a replica that does not hold the Lease sweeps nothing until it takes it.
 */
@ExtendWith(TestInfraExtension.class)
class SweeperTest {
    private static final String NS = "fileconv";
    private static final Region REGION = Region.IN;
    private static final Duration GRACE = Duration.ofSeconds(300);

    static HikariDataSource ds;
    static FileRepository files;
    static KubernetesMockServer server;
    static KubernetesClient kube;

    @BeforeAll
    static void setUp(TestInfra infra) throws Exception {
        System.setProperty(FileconvOperator.EXIT_ON_INFORMER_ERROR, "false"); // many operators share test JVMs
        try (Connection c = DriverManager.getConnection(infra.jdbcBase(), "root", "")) {
            c.createStatement().execute("DROP DATABASE IF EXISTS fileconv_sweeptest");
            c.createStatement().execute("CREATE DATABASE fileconv_sweeptest");
        }
        ds = Databases.pool(infra.jdbcBase(), "fileconv_sweeptest", "root", "", 4);
        Databases.migrateRegion(ds);
        files = new FileRepository(REGION, ds);
        server = MockCluster.start();
        kube = server.createClient();
        MockCluster.installCrds(kube, Path.of(".."));
    }

    @AfterAll
    static void tearDown() {
        if (kube != null) {
            kube.close();
        }
        if (server != null) {
            MockCluster.stop(server);
        }
        if (ds != null) {
            ds.close();
        }
    }

    @Test
    void rowsWithoutTheirResourcePastTheGraceAreDrivenOnAndTheRestIsLeftAlone() throws Exception {
        KubernetesLauncher launcher = new KubernetesLauncher(kube, NS);
        PrometheusMeterRegistry metrics = FileconvMetrics.create("test");
        ConversionSweeper sweeper = new ConversionSweeper(Map.of(REGION, files), Region::defaultBucket, launcher,
                launcher::exists, new ConversionSweeper.Settings(Duration.ofSeconds(60), GRACE),
                new RecoveryMetrics(metrics));

        String lostQueued = queued(Duration.ofMinutes(10));
        String lostConverting = converting(Duration.ofMinutes(10));
        String liveQueued = queued(Duration.ofMinutes(10));
        String liveConverting = converting(Duration.ofMinutes(10));
        launcher.launch(request(liveQueued));
        launcher.launch(request(liveConverting));
        String recentQueued = queued(Duration.ofSeconds(30));
        String recentConverting = converting(Duration.ofSeconds(30));
        Map<String, String> liveVersions = Map.of(liveQueued, version(liveQueued), liveConverting,
                version(liveConverting));

        assertThat(sweeper.sweep()).isEqualTo(2);

        FileConversion relaunched = conversion(lostQueued);
        assertThat(relaunched).as("the lost QUEUED row's FileConversion is created again").isNotNull();
        FileRecord lq = row(lostQueued);
        assertThat(relaunched.getSpec().getAttempt()).isEqualTo(lq.attempts());
        assertThat(relaunched.getSpec().getUserId()).isEqualTo(lq.userId());
        assertThat(relaunched.getSpec().getInput().getKey()).isEqualTo(lq.inputKey());
        assertThat(relaunched.getSpec().getOutput().getBucket()).isEqualTo(REGION.defaultBucket());
        assertThat(lq.status()).as("the reconciler moves it on, not the sweeper").isEqualTo(FileStatus.QUEUED);

        FileRecord lc = row(lostConverting);
        assertThat(lc.status()).isEqualTo(FileStatus.FAILED);
        assertThat(lc.failureClass()).isEqualTo(FailureClass.INTERNAL);
        assertThat(lc.failureClass().retryable()).isTrue();
        assertThat(lc.failureReason()).contains("conversion lost: attempt 1's conversion no longer exists");
        assertThat(conversion(lostConverting)).as("a lost conversion is failed, not relaunched").isNull();

        assertThat(row(liveQueued).status()).isEqualTo(FileStatus.QUEUED);
        assertThat(row(liveConverting).status()).isEqualTo(FileStatus.CONVERTING);
        assertThat(Map.of(liveQueued, version(liveQueued), liveConverting, version(liveConverting)))
                .as("live resources untouched").isEqualTo(liveVersions);
        assertThat(row(recentQueued).status()).isEqualTo(FileStatus.QUEUED);
        assertThat(row(recentConverting).status()).isEqualTo(FileStatus.CONVERTING);
        assertThat(conversion(recentQueued)).as("inside the grace period: the dispatcher may still be at it").isNull();

        String text = metrics.scrape();
        assertThat(text).contains("fileconv_sweeper_repairs_total{action=\"relaunched\",app=\"test\",region=\"in\"} 1.0",
                "fileconv_sweeper_repairs_total{action=\"failed\",app=\"test\",region=\"in\"} 1.0");

        // A second pass finds nothing more to do: the relaunched row has its resource, the failed one is terminal.
        assertThat(sweeper.sweep()).isZero();
        assertThat(conversion(lostQueued).getMetadata().getUid()).isEqualTo(relaunched.getMetadata().getUid());
    }

    @Test
    void aReplicaThatDoesNotHoldTheLeaseSweepsNothingUntilItTakesIt() throws Exception {
        allowLeaseRbacCheck();
        kube.leases().inNamespace(NS).resource(foreignLease()).create();
        String lost = queued(Duration.ofMinutes(10));

        OperatorSettings base = new OperatorEnvironment(Map.of("FILECONV_CONVERTER_IMAGE", "unused:1",
                "FILECONV_CONVERTER_MODE", "perFile")).settings(NS);
        OperatorSettings settings = new OperatorSettings(NS, base.finishedTtl(), new OperatorSettings.LeaderElection(
                "replica-b", Duration.ofSeconds(3), Duration.ofSeconds(2), Duration.ofMillis(300)), base.job());
        KubernetesLauncher launcher = new KubernetesLauncher(kube, NS);
        ConversionSweeper sweeper = new ConversionSweeper(Map.of(REGION, files), Region::defaultBucket, launcher,
                launcher::exists, new ConversionSweeper.Settings(Duration.ofMillis(300), GRACE),
                new RecoveryMetrics(FileconvMetrics.create("test")));
        try (FileconvOperator operator = new FileconvOperator(kube, settings,
                new FileRepositoryStatusSink(Map.of(REGION, files)), () -> { }).whileLeading(sweeper)) {
            operator.start();
            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                assertThat(operator.isLeading()).isFalse();
                assertThat(conversion(lost)).as("swept by a replica that is not the leader").isNull();
            });

            kube.leases().inNamespace(NS).withName(OperatorSettings.LEASE_NAME).delete();
            await("the replica takes the Lease and sweeps").atMost(Duration.ofSeconds(30))
                    .until(() -> operator.isLeading() && conversion(lost) != null);
        }
    }

    /** JOSDK checks its RBAC for Leases with a SelfSubjectRulesReview, which the CRUD mock cannot answer. */
    private static void allowLeaseRbacCheck() {
        SelfSubjectRulesReview allowed = new SelfSubjectRulesReviewBuilder().withNewStatus()
                .withIncomplete(false)
                .withResourceRules(new ResourceRuleBuilder().withApiGroups("coordination.k8s.io")
                        .withResources("leases").withVerbs("get", "create", "update").build())
                .endStatus().build();
        server.expect().post().withPath("/apis/authorization.k8s.io/v1/selfsubjectrulesreviews")
                .andReturn(201, allowed).always();
    }

    /** Held by another replica that renewed it just now, for an hour. */
    private static Lease foreignLease() {
        return new LeaseBuilder().withNewMetadata().withName(OperatorSettings.LEASE_NAME).withNamespace(NS)
                .endMetadata().withNewSpec().withHolderIdentity("replica-a").withLeaseDurationSeconds(3600)
                .withAcquireTime(ZonedDateTime.now()).withRenewTime(ZonedDateTime.now()).withLeaseTransitions(0)
                .endSpec().build();
    }

    private static String queued(Duration unchangedFor) throws SQLException {
        String id = uploaded();
        try (Connection c = ds.getConnection()) {
            assertThat(files.markQueued(c, id, 1)).isTrue();
        }
        backdate(id, unchangedFor);
        return id;
    }

    private static String converting(Duration unchangedFor) throws SQLException {
        String id = uploaded();
        try (Connection c = ds.getConnection()) {
            assertThat(files.markQueued(c, id, 1)).isTrue();
        }
        assertThat(files.claimForConversion(id, 1)).isTrue();
        backdate(id, unchangedFor);
        return id;
    }

    private static String uploaded() throws SQLException {
        String id = Ids.newId();
        files.insertUploaded(id, "sweep-user", "a.txt", "text/plain", 3, "0".repeat(64), "req-" + id.substring(0, 8));
        return id;
    }

    private static void backdate(String id, Duration unchangedFor) throws SQLException {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(
                "UPDATE files SET updated_at = UTC_TIMESTAMP(3) - INTERVAL ? SECOND WHERE id=?")) {
            ps.setLong(1, unchangedFor.toSeconds());
            ps.setString(2, id);
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
    }

    private static FileRecord row(String id) throws SQLException {
        return files.find(id).orElseThrow();
    }

    private static ConversionRequest request(String id) throws SQLException {
        return ConversionRequest.forRow(row(id), REGION.defaultBucket());
    }

    private static FileConversion conversion(String id) {
        return kube.resources(FileConversion.class).inNamespace(NS).withName("fc-" + id + "-1").get();
    }

    private static String version(String id) {
        FileConversion fc = conversion(id);
        return fc.getMetadata().getUid() + "/" + fc.getMetadata().getResourceVersion();
    }
}
