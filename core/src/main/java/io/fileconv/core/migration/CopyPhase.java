package io.fileconv.core.migration;

import java.util.List;
import java.util.Map;

/**
 * Copying: objects first, then rows with every column (upserts, so a repeat writes the same values).
 */
final class CopyPhase implements MovePhase {
    @Override
    public MigrationStep run(MoveContext c, MigrationState s) throws Exception {
        List<Map<String, Object>> rows = c.files(c.from);
        if (MoveContext.inFlight(rows) > 0) {
            return c.backToDraining(s);
        }
        long objects = c.copyObjects(rows);
        UserRows.upsert(c.to.db(), "files", rows);
        UserRows.upsert(c.to.db(), "upload_keys", c.uploadKeys(c.from));
        c.copyWebhookRows(true);
        return MigrationStep.now(s.counts(rows.size(), rows.size(), objects, 0)
                .to(MigrationPhase.Verifying, "copied " + rows.size() + " file(s) and " + objects + " object(s)"));
    }
}
