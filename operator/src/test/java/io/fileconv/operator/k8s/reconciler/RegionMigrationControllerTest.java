package io.fileconv.operator.k8s.reconciler;

import com.zaxxer.hikari.HikariDataSource;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fileconv.core.Databases;
import io.fileconv.core.FileRepository;
import io.fileconv.core.Region;
import io.fileconv.core.UserDirectory;
import io.fileconv.core.metrics.FileconvMetrics;
import io.fileconv.core.metrics.MigrationMetrics;
import io.fileconv.core.migration.MigrationPhase;
import io.fileconv.core.migration.RegionMove;
import io.fileconv.core.testing.TestInfraExtension;
import io.fileconv.core.testing.TestInfra;
import io.fileconv.operator.k8s.FileconvOperator;
import io.fileconv.operator.k8s.OperatorEnvironment;
import io.fileconv.operator.k8s.crd.RegionMigration;
import io.fileconv.operator.k8s.crd.RegionMigrationSpec;
import io.fileconv.operator.k8s.crd.RegionMigrationStatus;
import io.fileconv.pipeline.status.FileRepositoryStatusSink;
import io.fileconv.operator.k8s.reconciler.RegionMigrationReconciler;
import io.fileconv.core.metrics.FileconvMetrics;
import io.fileconv.core.metrics.MigrationMetrics;
import io.fileconv.testkit.MockCluster;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The RegionMigration controller in the operator, on fabric8's mock API server, moving a user's converted files
 * between regions on a real MariaDB and S3 API: a RegionMigration created by an administrator runs to Completed with its counts, and the times of the freeze
 * and the switch as conditions; one for a user nobody knows ends Failed with the reason.
 */
@ExtendWith(TestInfraExtension.class)
class RegionMigrationControllerTest {
    private static final String NS = "fileconv";

    @Test
    void aRegionMigrationRunsToCompletedAndAnImpossibleOneFails(TestInfra infra) throws Exception {
        System.setProperty(FileconvOperator.EXIT_ON_INFORMER_ERROR, "false"); // many operators share test JVMs
        String user = "rmig-" + UUID.randomUUID();
        List<String> ids = List.of(infra.convertedFile(Region.IN, user, "a.txt"),
                infra.convertedFile(Region.IN, user, "b.csv"));

        KubernetesMockServer server = MockCluster.start();
        try (KubernetesClient kube = server.createClient();
             HikariDataSource users = Databases.pool(infra.jdbcBase(), "fileconv_directory", "root", "", 2)) {
            MockCluster.installCrds(kube, Path.of(".."));
            UserDirectory directory = new UserDirectory(users);
            PrometheusMeterRegistry registry = FileconvMetrics.create("test");
            RegionMove.Settings fast = new RegionMove.Settings(Duration.ofSeconds(2), Duration.ofMinutes(1),
                    Duration.ofMillis(200));
            Map<Region, FileRepository> repositories = new EnumMap<>(Region.class);
            TestInfra.REGIONS.forEach(r -> repositories.put(r, infra.files(r)));
            try (FileconvOperator operator = new FileconvOperator(kube,
                    new OperatorEnvironment(Map.of("FILECONV_CONVERTER_IMAGE", "unused:1",
                            "FILECONV_CONVERTER_MODE", "perFile", "FILECONV_LEADER_ELECTION", "false")).settings(NS),
                    new FileRepositoryStatusSink(repositories),
                    new RegionMigrationReconciler((migrationId, userId, from, to) -> new RegionMove(userId,
                            migrationId, new RegionMove.Side(from, infra.files(from), from.defaultBucket()),
                            new RegionMove.Side(to, infra.files(to), to.defaultBucket()),
                            directory, infra.objectStore(), fast, Clock.systemUTC()), new MigrationMetrics(registry),
                            Clock.systemUTC()),
                    () -> { })) {
                operator.start();
                create(kube, "move-" + user.substring(5, 13), user, "in", "uk");
                create(kube, "move-nobody", "nobody-" + UUID.randomUUID(), "in", "uk");

                RegionMigrationStatus done = await().atMost(Duration.ofMinutes(1)).until(
                        () -> status(kube, "move-" + user.substring(5, 13)),
                        s -> s != null && s.getPhase() != null && s.getPhase().isTerminal());
                assertThat(done.getPhase()).as(done.getMessage()).isEqualTo(MigrationPhase.Completed);
                assertThat(done.getFilesTotal()).isEqualTo(2);
                assertThat(done.getFilesVerified()).isEqualTo(2);
                assertThat(done.getObjectsCopied()).isEqualTo(6); // an input, a PDF and a thumbnail per file
                assertThat(done.getStartTime()).isNotBlank();
                assertThat(done.getFinishTime()).isNotBlank();
                Condition frozen = condition(done, "Frozen");
                Condition switched = condition(done, "Switched");
                assertThat(frozen.getStatus()).as("uploads go to the target now").isEqualTo("False");
                assertThat(frozen.getReason()).isEqualTo("Switched");
                assertThat(switched.getStatus()).isEqualTo("True");
                assertThat(frozen.getLastTransitionTime()).isEqualTo(switched.getLastTransitionTime());
                assertThat(directory.find(user).orElseThrow().homeRegion()).isEqualTo(Region.UK);
                for (String id : ids) {
                    assertThat(infra.files(Region.IN).find(id)).isEmpty();
                    assertThat(infra.files(Region.UK).find(id)).isPresent();
                }

                assertThat(registry.scrape()).contains(
                        "fileconv_region_migrations_total{app=\"test\",from=\"in\",outcome=\"completed\",to=\"uk\"} 1.0");
                RegionMigrationStatus failed = await().atMost(Duration.ofSeconds(30)).until(
                        () -> status(kube, "move-nobody"), s -> s != null && s.getPhase() != null
                                && s.getPhase().isTerminal());
                assertThat(failed.getPhase()).isEqualTo(MigrationPhase.Failed);
                assertThat(failed.getMessage()).contains("not in the directory");

                // A move deleted before its switch unfreezes the user (a file stuck in QUEUED keeps it draining).
                String stuck = "stuck-" + UUID.randomUUID();
                String stuckFile = infra.convertedFile(Region.IN, stuck, "s.txt");
                setStatus(infra, stuckFile, "QUEUED");
                try {
                    create(kube, "move-stuck", stuck, "in", "uk");
                    await().atMost(Duration.ofSeconds(30)).until(() -> status(kube, "move-stuck"),
                            st -> st != null && st.getPhase() == MigrationPhase.Draining);
                    assertThat(directory.find(stuck).orElseThrow().migrating()).isTrue();
                    kube.resources(RegionMigration.class).inNamespace(NS).withName("move-stuck").delete();
                    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                        assertThat(directory.find(stuck).orElseThrow().migrating()).isFalse();
                        assertThat(kube.resources(RegionMigration.class).inNamespace(NS).withName("move-stuck")
                                .get()).isNull();
                    });
                    assertThat(directory.find(stuck).orElseThrow().homeRegion()).isEqualTo(Region.IN);
                } finally {
                    setStatus(infra, stuckFile, "CONVERTED");
                }
            }
        } finally {
            MockCluster.stop(server);
        }
    }

    private static void setStatus(TestInfra infra, String id, String status) throws Exception {
        try (Connection c = infra.files(Region.IN).dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("UPDATE files SET status=? WHERE id=?")) {
            ps.setString(1, status);
            ps.setString(2, id);
            ps.executeUpdate();
        }
    }

    private static void create(KubernetesClient kube, String name, String user, String from, String to) {
        RegionMigration rm = new RegionMigration();
        rm.getMetadata().setName(name);
        rm.getMetadata().setNamespace(NS);
        RegionMigrationSpec spec = new RegionMigrationSpec();
        spec.setUserId(user);
        spec.setFrom(from);
        spec.setTo(to);
        rm.setSpec(spec);
        kube.resources(RegionMigration.class).inNamespace(NS).resource(rm).create();
    }

    private static RegionMigrationStatus status(KubernetesClient kube, String name) {
        RegionMigration rm = kube.resources(RegionMigration.class).inNamespace(NS).withName(name).get();
        return rm == null ? null : rm.getStatus();
    }

    private static Condition condition(RegionMigrationStatus s, String type) {
        return s.getConditions().stream().filter(c -> type.equals(c.getType())).findFirst().orElseThrow();
    }
}
