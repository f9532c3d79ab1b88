package io.fileconv.core.migration;

import com.zaxxer.hikari.HikariDataSource;
import io.fileconv.core.Databases;
import io.fileconv.core.Region;
import io.fileconv.core.UserDirectory;
import io.fileconv.core.testing.TestInfraExtension;
import io.fileconv.core.testing.TestInfra;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Clock;
import java.time.Duration;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Region moves that must change nothing, on a real MariaDB and S3 API: a user nobody knows, a user who lives in the
 * target already, a move out of a region the user does not live in. The move of a user with files through the
 * whole stack (freeze seen by the API, requeue, late upload, restart without state) is local's
 * RegionMoveEndToEndTest.
 */
@ExtendWith(TestInfraExtension.class)
class RegionMoveTest {
    private static final Region FROM = Region.IN;
    private static final Region TO = Region.UK;
    private static final RegionMove.Settings FAST = new RegionMove.Settings(Duration.ofSeconds(3),
            Duration.ofMinutes(2), Duration.ofMillis(200));

    @Test
    void movesOfUnknownOrAlreadyMovedUsersChangeNothing(TestInfra infra) throws Exception {
        String user = "stays-" + UUID.randomUUID();
        new UserDirectory(infra.directory()).registerIfAbsent(user, TO); // as the API's first request in the UK does
        try (HikariDataSource users = Databases.pool(infra.jdbcBase(), Databases.DIRECTORY, "root", "", 2)) {
            MigrationState end = move(infra, "nobody-" + UUID.randomUUID(), users)
                    .runToEnd(MigrationState.start(), s -> { });
            assertThat(end.phase()).isEqualTo(MigrationPhase.Failed);
            assertThat(end.message()).contains("not in the directory");
            RegionMove alreadyThere = new RegionMove(user, "already-there", side(infra, FROM), side(infra, TO),
                    new UserDirectory(users), infra.objectStore(), FAST, Clock.systemUTC());
            assertThat(new UserDirectory(users).find(user).orElseThrow().homeRegion()).isEqualTo(TO);
            // The user lives in the target already: only a clean-up of the source, which has nothing of theirs.
            assertThat(alreadyThere.runToEnd(MigrationState.start(), s -> { }).phase())
                    .isEqualTo(MigrationPhase.Completed);
            RegionMove backwards = new RegionMove(user, "backwards", side(infra, Region.US), side(infra, FROM),
                    new UserDirectory(users), infra.objectStore(), FAST, Clock.systemUTC());
            MigrationState refused = backwards.runToEnd(MigrationState.start(), s -> { });
            assertThat(refused.phase()).isEqualTo(MigrationPhase.Failed);
            assertThat(refused.message()).contains("lives in uk, not in us");
            assertThat(new UserDirectory(users).find(user).orElseThrow().migrating()).isFalse();
        }
    }

    private static RegionMove move(TestInfra infra, String user, HikariDataSource users) {
        return new RegionMove(user, "move-of-" + user, side(infra, FROM), side(infra, TO), new UserDirectory(users),
                infra.objectStore(), FAST, Clock.systemUTC());
    }

    private static RegionMove.Side side(TestInfra infra, Region region) {
        return new RegionMove.Side(region, infra.files(region), region.defaultBucket());
    }
}
