package io.fileconv.core.migration;

import io.fileconv.core.UserDirectory;

import java.time.Instant;

/**
 * Freezing: marks the user as migrating in the directory, after checking they live in the source; a user
 * already switched (a move restarted without its state) goes straight to clean-up.
 */
final class FreezePhase implements MovePhase {
    @Override
    public MigrationStep run(MoveContext c, MigrationState s) throws Exception {
        if (c.from.region() == c.to.region()) {
            return MigrationStep.now(s.to(MigrationPhase.Failed, "from and to are the same region"));
        }
        UserDirectory.Entry entry = c.directory.find(c.userId).orElse(null);
        if (entry == null) {
            return MigrationStep.now(s.to(MigrationPhase.Failed, "user " + c.userId + " is not in the directory"));
        }
        if (entry.homeRegion() == c.to.region() && !entry.migrating()) {
            // Already switched (a move restarted without its state): only the source's clean-up can be left, and
            // it deletes nothing that is not identical in the target.
            Instant now = c.clock.instant();
            return MigrationStep.now(s.frozen(s.frozenAt() != null ? s.frozenAt() : now)
                    .switched(s.switchedAt() != null ? s.switchedAt() : now).to(MigrationPhase.CleaningUp,
                            "the user already lives in " + c.to.region().code() + "; cleaning up "
                                    + c.from.region().code()));
        }
        if (entry.homeRegion() != c.from.region()) {
            return MigrationStep.now(s.to(MigrationPhase.Failed, "user " + c.userId + " lives in "
                    + entry.homeRegion().code() + ", not in " + c.from.region().code()));
        }
        if (!c.directory.freeze(c.userId, c.from.region(), c.migrationId)) {
            return MigrationStep.now(s.to(MigrationPhase.Failed, "user " + c.userId
                    + " is being moved by another migration; nothing moved"));
        }
        Instant frozenAt = s.frozenAt() != null ? s.frozenAt() : c.clock.instant();
        return MigrationStep.now(s.frozen(frozenAt).to(MigrationPhase.Draining, "uploads frozen"));
    }
}
