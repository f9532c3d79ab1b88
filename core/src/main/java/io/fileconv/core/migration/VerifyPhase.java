package io.fileconv.core.migration;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Verifying: every source row equals its copy and every object has a copy of the same size; otherwise back to
 * Copying.
 */
final class VerifyPhase implements MovePhase {
    @Override
    public MigrationStep run(MoveContext c, MigrationState s) throws Exception {
        List<Map<String, Object>> source = c.files(c.from);
        if (MoveContext.inFlight(source) > 0) {
            return c.backToDraining(s);
        }
        Map<Object, Map<String, Object>> copies = MoveContext.byId(c.files(c.to));
        List<String> problems = new ArrayList<>();
        for (Map<String, Object> row : source) {
            if (!row.equals(copies.get(row.get("id")))) {
                problems.add("row " + row.get("id"));
                continue;
            }
            for (String key : MoveContext.keys(row)) {
                long size = c.store.size(c.from.bucket(), key);
                if (size >= 0 && c.store.size(c.to.bucket(), key) != size) {
                    problems.add("object " + key);
                }
            }
        }
        if (!c.uploadKeys(c.to)
                .containsAll(c.uploadKeys(c.from))) {
            problems.add("idempotency keys");
        }
        if (!problems.isEmpty()) {
            return MigrationStep.now(s.to(MigrationPhase.Copying, problems.size() + " difference(s) ("
                    + problems.get(0) + (problems.size() > 1 ? ", ..." : "") + "); copying again"));
        }
        return MigrationStep.now(s.counts(s.filesTotal(), s.filesCopied(), s.objectsCopied(), source.size())
                .to(MigrationPhase.Switching, "verified " + source.size() + " file(s)"));
    }
}
