package io.fileconv.local;

import com.zaxxer.hikari.HikariDataSource;
import io.fileconv.core.Databases;
import io.fileconv.core.Env;
import io.fileconv.core.FileRepository;
import io.fileconv.core.ObjectStore;
import io.fileconv.core.Region;
import io.fileconv.core.UserDirectory;
import io.fileconv.core.migration.MigrationPhase;
import io.fileconv.core.migration.MigrationState;
import io.fileconv.core.migration.RegionMove;

import java.time.Clock;

/**
 * {@code fileconv migrate <user> <from> <to>}: the RegionMigration controller's move, run against the running
 * embedded stack and printed phase by phase. Run again after an interruption, it resumes (each phase is idempotent
 * and an already switched user only gets the clean-up).
 */
final class LocalMigration {
    private LocalMigration() {
    }

    static int run(Env env, String userId, Region from, Region to) throws Exception {
        try (HikariDataSource source = Databases.pool(env.regionalDatabase(), from.database(), 2, null);
             HikariDataSource target = Databases.pool(env.regionalDatabase(), to.database(), 2, null);
             HikariDataSource users = Databases.pool(env.directoryDatabase(), Databases.DIRECTORY, 2, null);
             ObjectStore store = new ObjectStore(env.objectStore())) {
            // The same id on every run of the same move, so a rerun resumes it instead of being refused.
            String migrationId = "local:" + userId + ":" + from.code() + ":" + to.code();
            RegionMove move = new RegionMove(userId, migrationId,
                    new RegionMove.Side(from, new FileRepository(from, source), env.bucket(from)),
                    new RegionMove.Side(to, new FileRepository(to, target), env.bucket(to)),
                    new UserDirectory(users), store, RegionMove.Settings.from(env), Clock.systemUTC());
            MigrationState end = move.runToEnd(MigrationState.start(),
                    s -> System.out.println(s.phase() + ": " + s.message()));
            return end.phase() == MigrationPhase.Completed ? 0 : 1;
        }
    }
}
