package io.fileconv.pipeline.retry;

import com.zaxxer.hikari.HikariDataSource;
import io.fileconv.core.Databases;
import io.fileconv.core.Region;
import io.fileconv.core.UserDirectory;
import io.fileconv.core.testing.TestInfraExtension;
import io.fileconv.core.testing.TestInfra;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The retry job's rule against the real directory: only users who live in the region and are not being moved. */
@ExtendWith(TestInfraExtension.class)
class RetryCommandTest {
    private static final Region FROM = Region.IN;
    private static final Region TO = Region.UK;

    @Test
    void theRetryJobLeavesUsersWhoAreMovingOrLiveElsewhereAlone(TestInfra infra) throws Exception {
        String home = "home-" + UUID.randomUUID();
        String frozen = "frozen-" + UUID.randomUUID();
        String away = "away-" + UUID.randomUUID();
        // As the API's first request of each user in their region does.
        UserDirectory registrar = new UserDirectory(infra.directory());
        registrar.registerIfAbsent(home, FROM);
        registrar.registerIfAbsent(frozen, FROM);
        registrar.registerIfAbsent(away, TO);
        try (HikariDataSource users = Databases.pool(infra.jdbcBase(), Databases.DIRECTORY, "root", "", 2)) {
            UserDirectory directory = new UserDirectory(users);
            assertThat(directory.freeze(frozen, FROM, "retry-test")).isTrue();
            try {
                var eligible = RetryCommand.livesHere(directory, FROM);
                assertThat(eligible.test(candidate(home))).isTrue();
                assertThat(eligible.test(candidate(frozen))).isFalse();
                assertThat(eligible.test(candidate(away))).isFalse();
                assertThat(eligible.test(candidate("unknown-" + UUID.randomUUID()))).as("as before the directory")
                        .isTrue();
            } finally {
                directory.unfreeze(frozen, FROM, "retry-test");
            }
        }
    }

    private static RetryCandidate candidate(String user) {
        return new RetryCandidate("f-" + user, 1, user);
    }
}
