package io.fileconv.operator.k8s.reconciler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fileconv.core.Databases;
import io.fileconv.core.Region;
import io.fileconv.core.S3Keys;
import io.fileconv.core.UserDirectory;
import io.fileconv.core.migration.MigrationPhase;
import io.fileconv.core.migration.MigrationState;
import io.fileconv.core.migration.RegionMove;
import io.fileconv.core.testing.TestInfraExtension;
import io.fileconv.core.testing.TestInfra;
import io.fileconv.testkit.MockCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;

/**
 * A move into another cell's region: the operator of the India cell serves only India and reaches the UK only through
 * the migration target the platform team gives for the move, the Secret fileconv-migration-uk (here on fabric8's mock
 * API server, pointing at the test MariaDB, which holds every region's schema; in a cluster the UK cell's
 * database). The user's rows and objects end up in the UK region and nothing is left in India; without the Secret the
 * move cannot start.
 */
@ExtendWith(TestInfraExtension.class)
class MigrationTargetTest {
    private static final String NS = "fileconv";

    @Test
    void aCellMovesAUserIntoARegionItOnlyKnowsThroughTheMovesSecret(TestInfra infra) throws Exception {
        String user = "target-" + UUID.randomUUID();
        String id = infra.convertedFile(Region.IN, user, "a.txt");

        KubernetesMockServer server = MockCluster.start();
        try (KubernetesClient kube = server.createClient();
             MoveSides sides = new MoveSides(Map.of(Region.IN, infra.files(Region.IN)), Region::defaultBucket,
                     new MigrationTargetSecrets(kube, NS)::find, null);
             HikariDataSource users = Databases.pool(infra.jdbcBase(), Databases.DIRECTORY, "root", "", 2)) {
            assertThatThrownBy(() -> sides.to(Region.UK)).as("no target given for a move")
                    .hasMessageContaining("fileconv-migration-uk");
            assertThatThrownBy(() -> sides.from(Region.UK)).as("only the source cell moves a user out")
                    .hasMessageContaining("not served");
            kube.secrets().inNamespace(NS).resource(new SecretBuilder().withNewMetadata()
                    .withName(MigrationTargetSecrets.secretName(Region.UK)).endMetadata()
                    .addToData("url", b64(infra.jdbcBase())).addToData("username", b64("root"))
                    .addToData("password", b64("")).addToData("bucket", b64(Region.UK.defaultBucket())).build()).create();

            RegionMove move = new RegionMove(user, "target-test-" + user, sides.from(Region.IN), sides.to(Region.UK),
                    new UserDirectory(users), infra.objectStore(), new RegionMove.Settings(Duration.ofSeconds(1),
                    Duration.ofMinutes(1), Duration.ofMillis(200)), Clock.systemUTC());
            MigrationState end = move.runToEnd(MigrationState.start(), s -> { });
            assertThat(end.phase()).as(end.message()).isEqualTo(MigrationPhase.Completed);
            assertThat(new UserDirectory(users).find(user).orElseThrow().homeRegion()).isEqualTo(Region.UK);
        } finally {
            MockCluster.stop(server);
        }
        assertThat(infra.files(Region.UK).find(id)).isPresent();
        assertThat(infra.files(Region.IN).find(id)).isEmpty();
        assertThat(infra.objectStore().exists(Region.UK.defaultBucket(), S3Keys.output(user, id))).isTrue();
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }
}
