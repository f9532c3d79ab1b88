package io.fileconv.core.migration;

import io.fileconv.core.UserDirectory;

import java.time.Instant;

/**
 * Switching: home region and freeze change in one UPDATE; a switch that did not apply fails the move and leaves
 * the source as it is.
 */
final class SwitchPhase implements MovePhase {
    @Override
    public MigrationStep run(MoveContext c, MigrationState s) throws Exception {
        c.directory.switchHome(c.userId, c.from.region(), c.to.region(), c.migrationId);
        UserDirectory.Entry now = c.directory.find(c.userId).orElse(null);
        if (now == null || now.homeRegion() != c.to.region() || now.migrating()) {
            // Someone else moved or unfroze the user meanwhile: deleting the source now could lose their files.
            return MigrationStep.now(s.to(MigrationPhase.Failed, "the switch did not apply: user " + c.userId
                    + (now == null ? " is gone" : " lives in " + now.homeRegion().code()
                    + (now.migrating() ? " (frozen)" : "")) + "; the source was left as it is"));
        }
        Instant at = s.switchedAt() != null ? s.switchedAt() : c.clock.instant();
        return MigrationStep.now(s.switched(at).to(MigrationPhase.CleaningUp, "home region is now "
                + c.to.region().code()));
    }
}
