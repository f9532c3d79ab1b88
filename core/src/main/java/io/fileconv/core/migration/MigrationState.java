package io.fileconv.core.migration;

import java.time.Instant;

/**
 * Where a migration stands: what a RegionMigration's status (or the local runner) keeps between steps. The two
 * instants time the grace periods, so they must survive a restart.
 *
 * @param frozenAt    when the user was frozen (uploads refused from then on)
 * @param switchedAt  when the home region changed
 * @param filesTotal  the user's files in the source region when copying started
 */
public record MigrationState(MigrationPhase phase, Instant frozenAt, Instant switchedAt, long filesTotal,
                             long filesCopied, long objectsCopied, long filesVerified, String message) {

    public static MigrationState start() {
        return new MigrationState(MigrationPhase.Pending, null, null, 0, 0, 0, 0, "waiting to start");
    }

    MigrationState to(MigrationPhase next, String why) {
        return new MigrationState(next, frozenAt, switchedAt, filesTotal, filesCopied, objectsCopied, filesVerified,
                why);
    }

    /** Failed with {@code why}, e.g. a move the caller cannot carry out at all. */
    public MigrationState failed(String why) {
        return to(MigrationPhase.Failed, why);
    }

    MigrationState frozen(Instant at) {
        return new MigrationState(phase, at, switchedAt, filesTotal, filesCopied, objectsCopied, filesVerified,
                message);
    }

    MigrationState switched(Instant at) {
        return new MigrationState(phase, frozenAt, at, filesTotal, filesCopied, objectsCopied, filesVerified,
                message);
    }

    MigrationState counts(long total, long copied, long objects, long verified) {
        return new MigrationState(phase, frozenAt, switchedAt, total, copied, objects, verified, message);
    }
}
