package io.fileconv.core.migration;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * CleaningUp: after the switch the target is the user's live data (its own conversions, retries and cancels change
 * it), so nothing is copied over it any more: a source row the target lacks (an upload that landed late) is added
 * unless the target recorded its deletion (the user deleted it there after the switch), and every finished source
 * row is deleted with its objects.
 */
final class CleanUpPhase implements MovePhase {
    @Override
    public MigrationStep run(MoveContext c, MigrationState s) throws Exception {
        Duration graceLeft = Duration.between(c.clock.instant(), s.switchedAt().plus(c.settings.grace()));
        if (graceLeft.compareTo(Duration.ZERO) > 0) {
            // API processes may still serve reads from the source with a cached directory entry.
            return MigrationStep.after(s.to(MigrationPhase.CleaningUp, "grace period before deleting the source"),
                    MoveContext.min(graceLeft, c.settings.poll()));
        }
        List<Map<String, Object>> source = c.files(c.from);
        long inFlight = MoveContext.inFlight(source);
        if (inFlight > 0) {
            return MigrationStep.after(s.to(MigrationPhase.CleaningUp, "waiting for " + inFlight
                    + " file(s) still in progress in " + c.from.region().code()), c.settings.poll());
        }
        Map<Object, Map<String, Object>> target = MoveContext.byId(c.files(c.to));
        List<Map<String, Object>> missing = source.stream().filter(r -> !target.containsKey(r.get("id"))).toList();
        // Missing because the user deleted it in the target after the switch: its source copy goes, not back.
        Set<Object> deleted = UserRows.deleted(c.to.db(), missing.stream().map(r -> r.get("id")).toList());
        List<Map<String, Object>> late = missing.stream().filter(r -> !deleted.contains(r.get("id"))).toList();
        c.copyObjects(late);
        UserRows.insertMissing(c.to.db(), "files", late);
        UserRows.insertMissing(c.to.db(), "upload_keys", c.uploadKeys(c.from));
        c.copyWebhookRows(false);
        // Objects first, row after: a crash in between leaves a row without objects, which the next run finds
        // and deletes (the other order could leave objects that no row points to any more).
        for (Map<String, Object> row : source) {
            for (String key : MoveContext.keys(row)) {
                c.store.delete(c.from.bucket(), key);
            }
            UserRows.deleteFileIn(c.from.db(), row.get("id"), MoveContext.FINISHED);
        }
        if (!c.files(c.from).isEmpty()) {
            return MigrationStep.after(s.to(MigrationPhase.CleaningUp, "a source file changed while cleaning up"),
                    c.settings.poll());
        }
        UserRows.deleteAll(c.from.db(), "upload_keys", c.userId);
        UserRows.deleteAll(c.from.db(), "webhook_deliveries", c.userId);
        UserRows.deleteAll(c.from.db(), "webhook_settings", c.userId);
        return MigrationStep.now(s.to(MigrationPhase.Completed, "moved " + (s.filesVerified() + late.size())
                + " file(s) from " + c.from.region().code() + " to " + c.to.region().code()));
    }
}
