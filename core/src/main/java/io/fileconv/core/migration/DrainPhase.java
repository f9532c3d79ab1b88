package io.fileconv.core.migration;

import java.time.Duration;
import java.time.Instant;

/**
 * Draining: waits out the grace period and until none of the user's files is in flight in the source; gives up
 * (and unfreezes) after the drain timeout.
 */
final class DrainPhase implements MovePhase {
    @Override
    public MigrationStep run(MoveContext c, MigrationState s) throws Exception {
        if (!c.stillFrozen()) {
            // E.g. a drain timeout unfroze the user but its status was not saved: never move an unfrozen user.
            return MigrationStep.now(s.to(MigrationPhase.Failed, "user " + c.userId + " is no longer frozen in "
                    + c.from.region().code() + "; nothing moved"));
        }
        Instant now = c.clock.instant();
        long inFlight = MoveContext.inFlight(c.files(c.from));
        if (inFlight > 0) {
            if (now.isAfter(s.frozenAt().plus(c.settings.drainTimeout()))) {
                c.directory.unfreeze(c.userId, c.from.region(), c.migrationId);
                return MigrationStep.now(s.to(MigrationPhase.Failed, inFlight + " file(s) still in progress in "
                        + c.from.region().code() + " after " + c.settings.drainTimeout()
                        + "; the user was unfrozen and nothing moved"));
            }
            return MigrationStep.after(s.to(MigrationPhase.Draining, "waiting for " + inFlight
                    + " file(s) to finish in " + c.from.region().code()), c.settings.poll());
        }
        Duration graceLeft = Duration.between(now, s.frozenAt().plus(c.settings.grace()));
        if (graceLeft.compareTo(Duration.ZERO) > 0) {
            return MigrationStep.after(s.to(MigrationPhase.Draining, "grace period for uploads in flight"),
                    MoveContext.min(graceLeft, c.settings.poll()));
        }
        return MigrationStep.now(s.to(MigrationPhase.Copying, "nothing in flight"));
    }
}
