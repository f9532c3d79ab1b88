package io.fileconv.core.migration;

import io.fileconv.core.FileStatus;
import io.fileconv.core.ObjectStore;
import io.fileconv.core.S3Keys;
import io.fileconv.core.UserDirectory;

import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/** What every phase of one move works with: the user, both sides, and the reads and copies phases share. */
final class MoveContext {
    private static final Set<FileStatus> IN_FLIGHT = EnumSet.of(FileStatus.UPLOADED, FileStatus.QUEUED,
            FileStatus.CONVERTING);
    static final List<String> FINISHED = EnumSet.complementOf(EnumSet.copyOf(IN_FLIGHT)).stream()
            .map(Enum::name).toList();

    final String userId;
    final String migrationId;
    final RegionMove.Side from;
    final RegionMove.Side to;
    final UserDirectory directory;
    final ObjectStore store;
    final RegionMove.Settings settings;
    final Clock clock;

    MoveContext(String userId, String migrationId, RegionMove.Side from, RegionMove.Side to, UserDirectory directory,
                ObjectStore store, RegionMove.Settings settings, Clock clock) {
        this.userId = userId;
        this.migrationId = migrationId;
        this.from = from;
        this.to = to;
        this.directory = directory;
        this.store = store;
        this.settings = settings;
        this.clock = clock;
    }

    /** The user's files rows in a region, by id. */
    List<Map<String, Object>> files(RegionMove.Side side) throws Exception {
        return UserRows.read(side.db(), "files", userId, "id");
    }

    /**
     * The user's webhook settings and deliveries move with the files (the target's deliverer sends what is still
     * pending). A delivery the source sent during the move may be sent again by the target with the same webhook-id,
     * which receivers drop as a duplicate.
     */
    void copyWebhookRows(boolean overwrite) throws Exception {
        List<Map<String, Object>> hooks = UserRows.read(from.db(), "webhook_settings", userId, "user_id");
        List<Map<String, Object>> deliveries = UserRows.read(from.db(), "webhook_deliveries", userId, "id");
        if (overwrite) {
            UserRows.upsert(to.db(), "webhook_settings", hooks);
            UserRows.upsert(to.db(), "webhook_deliveries", deliveries);
        } else {
            UserRows.insertMissing(to.db(), "webhook_settings", hooks);
            UserRows.insertMissing(to.db(), "webhook_deliveries", deliveries);
        }
    }

    /** The user's idempotency keys in a region. */
    List<Map<String, Object>> uploadKeys(RegionMove.Side side) throws Exception {
        return UserRows.read(side.db(), "upload_keys", userId, "idem_key");
    }

    /** Server-side copies of the rows' objects that exist in the source; returns how many there were. */
    long copyObjects(List<Map<String, Object>> rows) {
        long copied = 0;
        for (Map<String, Object> row : rows) {
            for (String key : keys(row)) {
                if (store.exists(from.bucket(), key)) {
                    store.copy(from.bucket(), key, to.bucket());
                    copied++;
                }
            }
        }
        return copied;
    }

    MigrationStep backToDraining(MigrationState s) {
        return MigrationStep.now(s.to(MigrationPhase.Draining, "a file is in progress again in "
                + from.region().code()));
    }

    boolean stillFrozen() throws Exception {
        return directory.heldBy(userId, from.region(), migrationId);
    }

    static long inFlight(List<Map<String, Object>> rows) {
        return rows.stream().filter(r -> IN_FLIGHT.contains(FileStatus.valueOf((String) r.get("status")))).count();
    }

    static List<String> keys(Map<String, Object> row) {
        // The thumbnail is optional: copyObjects and the verification skip a key without an object.
        return List.of((String) row.get("input_key"), (String) row.get("output_key"),
                S3Keys.thumbnail((String) row.get("user_id"), (String) row.get("id")));
    }

    static Map<Object, Map<String, Object>> byId(List<Map<String, Object>> rows) {
        Map<Object, Map<String, Object>> m = new HashMap<>();
        rows.forEach(r -> m.put(Objects.requireNonNull(r.get("id")), r));
        return m;
    }

    static Duration min(Duration a, Duration b) {
        return a.compareTo(b) < 0 ? a : b;
    }
}
