package io.fileconv.core.migration;

import io.fileconv.core.Env;
import io.fileconv.core.FileRepository;
import io.fileconv.core.FileStatus;
import io.fileconv.core.ObjectStore;
import io.fileconv.core.Region;
import io.fileconv.core.S3Keys;
import io.fileconv.core.UserDirectory;

import javax.sql.DataSource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Moves one user's files (rows and objects) from one region to another, one phase per {@link #next} call. Each phase
 * can run again after a crash with the same result, so a caller only has to keep the {@link MigrationState}:
 * <ol>
 *   <li>Freezing: the directory marks the user as migrating; the API then refuses their uploads (503 +
 *       Retry-After) and keeps serving reads.</li>
 *   <li>Draining: waits out the grace period (the API's directory cache, uploads already streaming) and until
 *       none of the user's files is uploaded, queued or converting in the source: work in flight finishes in the
 *       region it started in, so every row moves with its final status.</li>
 *   <li>Copying: objects first (server-side copy, same keys), then rows with every column, so a copied row never
 *       points at a missing object. Upserts: a repeat overwrites with the same values.</li>
 *   <li>Verifying: every source row equals its copy and every object has its copy with the same size; otherwise
 *       back to Copying.</li>
 *   <li>Switching: home region and freeze change in one UPDATE; from now on the router sends the user to the
 *       target.</li>
 *   <li>CleaningUp: after the grace period the target is authoritative: a source row it lacks (an upload that
 *       landed late) is added, never overwriting; then every finished source row's objects and the row itself are
 *       deleted, and the user's idempotency keys. Nothing of the user is left in the source region.</li>
 * </ol>
 * Copying and Verifying go back to Draining if a source file is in progress again. A user who is not in
 * {@code from}, files that do not drain within the drain timeout, a user unfrozen meanwhile, or a switch that did
 * not apply, end in Failed; before the switch the source is never modified, and a drain failure unfreezes the
 * user. The retry job leaves the files of a frozen user alone (RetryMain), and the API confirms the user's home,
 * uncached, just before writing an upload's row, so a move's view of the source stays complete.
 */
public final class RegionMove {
    private static final Set<FileStatus> IN_FLIGHT = EnumSet.of(FileStatus.UPLOADED, FileStatus.QUEUED,
            FileStatus.CONVERTING);
    private static final List<String> FINISHED = EnumSet.complementOf(EnumSet.copyOf(IN_FLIGHT)).stream()
            .map(Enum::name).toList();

    /** One end of the move: a region's files table and bucket. */
    public record Side(Region region, FileRepository files, String bucket) {
        DataSource db() {
            return files.dataSource();
        }
    }

    /**
     * @param grace        time for changes of the directory to reach every API process and for uploads that were
     *                     already streaming at the freeze to land (well above {@link UserDirectory#CACHE_TTL_MS})
     * @param drainTimeout how long in-flight conversions may take before the move gives up
     * @param poll         how often a waiting phase looks again
     */
    public record Settings(Duration grace, Duration drainTimeout, Duration poll) {
        public static Settings defaults() {
            return new Settings(Duration.ofSeconds(30), Duration.ofMinutes(30), Duration.ofSeconds(2));
        }

        /** FILECONV_MIGRATION_GRACE_SECONDS and FILECONV_MIGRATION_DRAIN_TIMEOUT_SECONDS, else the defaults. */
        public static Settings from(Env env) {
            Settings d = defaults();
            return new Settings(Duration.ofSeconds(env.getLong("FILECONV_MIGRATION_GRACE_SECONDS",
                    d.grace().toSeconds())), Duration.ofSeconds(env.getLong("FILECONV_MIGRATION_DRAIN_TIMEOUT_SECONDS",
                    d.drainTimeout().toSeconds())), d.poll());
        }
    }

    private final String userId;
    private final String migrationId;
    private final Side from;
    private final Side to;
    private final UserDirectory directory;
    private final ObjectStore store;
    private final Settings settings;
    private final Clock clock;

    /**
     * @param migrationId identifies this move in the directory (a RegionMigration's uid): only the move that froze
     *                    the user can switch or unfreeze them, so two moves of one user cannot both run
     */
    public RegionMove(String userId, String migrationId, Side from, Side to, UserDirectory directory,
                      ObjectStore store, Settings settings, Clock clock) {
        this.userId = userId;
        this.migrationId = migrationId;
        this.from = from;
        this.to = to;
        this.directory = directory;
        this.store = store;
        this.settings = settings;
        this.clock = clock;
    }

    /** Does the work of {@code state}'s phase and says what comes next (and how soon to call again). */
    public MigrationStep next(MigrationState state) throws Exception {
        return switch (state.phase()) {
            case Pending -> MigrationStep.now(state.to(MigrationPhase.Freezing, "freezing the user's uploads"));
            case Freezing -> freeze(state);
            case Draining -> drain(state);
            case Copying -> copy(state);
            case Verifying -> verify(state);
            case Switching -> switchHome(state);
            case CleaningUp -> cleanUp(state);
            case Completed, Failed -> MigrationStep.now(state);
        };
    }

    /**
     * Gives the move up (its RegionMigration was deleted): unfreezes the user if this move holds them.
     *
     * @return false when the user has already been switched to the target, so the move must be finished instead
     */
    public boolean abandon() throws Exception {
        directory.unfreeze(userId, from.region(), migrationId);
        return directory.find(userId).map(e -> e.homeRegion() != to.region()).orElse(true);
    }

    /** Runs phase after phase until Completed or Failed, waiting where a phase asks to; for the local command. */
    public MigrationState runToEnd(MigrationState state, Consumer<MigrationState> progress) throws Exception {
        MigrationState s = state;
        while (!s.phase().isTerminal()) {
            MigrationStep step = next(s);
            if (!step.state().equals(s)) {
                progress.accept(step.state());
            }
            s = step.state();
            if (!step.retryAfter().isZero()) {
                Thread.sleep(step.retryAfter().toMillis());
            }
        }
        return s;
    }

    private MigrationStep freeze(MigrationState s) throws Exception {
        if (from.region() == to.region()) {
            return MigrationStep.now(s.to(MigrationPhase.Failed, "from and to are the same region"));
        }
        UserDirectory.Entry entry = directory.find(userId).orElse(null);
        if (entry == null) {
            return MigrationStep.now(s.to(MigrationPhase.Failed, "user " + userId + " is not in the directory"));
        }
        if (entry.homeRegion() == to.region() && !entry.migrating()) {
            // Already switched (a move restarted without its state): only the source's clean-up can be left, and
            // it deletes nothing that is not identical in the target.
            Instant now = clock.instant();
            return MigrationStep.now(s.frozen(s.frozenAt() != null ? s.frozenAt() : now)
                    .switched(s.switchedAt() != null ? s.switchedAt() : now).to(MigrationPhase.CleaningUp,
                            "the user already lives in " + to.region().code() + "; cleaning up "
                                    + from.region().code()));
        }
        if (entry.homeRegion() != from.region()) {
            return MigrationStep.now(s.to(MigrationPhase.Failed, "user " + userId + " lives in "
                    + entry.homeRegion().code() + ", not in " + from.region().code()));
        }
        if (!directory.freeze(userId, from.region(), migrationId)) {
            return MigrationStep.now(s.to(MigrationPhase.Failed, "user " + userId
                    + " is being moved by another migration; nothing moved"));
        }
        Instant frozenAt = s.frozenAt() != null ? s.frozenAt() : clock.instant();
        return MigrationStep.now(s.frozen(frozenAt).to(MigrationPhase.Draining, "uploads frozen"));
    }

    private MigrationStep drain(MigrationState s) throws Exception {
        if (!stillFrozen()) {
            // E.g. a drain timeout unfroze the user but its status was not saved: never move an unfrozen user.
            return MigrationStep.now(s.to(MigrationPhase.Failed, "user " + userId + " is no longer frozen in "
                    + from.region().code() + "; nothing moved"));
        }
        Instant now = clock.instant();
        long inFlight = inFlight(files(from));
        if (inFlight > 0) {
            if (now.isAfter(s.frozenAt().plus(settings.drainTimeout()))) {
                directory.unfreeze(userId, from.region(), migrationId);
                return MigrationStep.now(s.to(MigrationPhase.Failed, inFlight + " file(s) still in progress in "
                        + from.region().code() + " after " + settings.drainTimeout()
                        + "; the user was unfrozen and nothing moved"));
            }
            return MigrationStep.after(s.to(MigrationPhase.Draining, "waiting for " + inFlight
                    + " file(s) to finish in " + from.region().code()), settings.poll());
        }
        Duration graceLeft = Duration.between(now, s.frozenAt().plus(settings.grace()));
        if (graceLeft.compareTo(Duration.ZERO) > 0) {
            return MigrationStep.after(s.to(MigrationPhase.Draining, "grace period for uploads in flight"),
                    min(graceLeft, settings.poll()));
        }
        return MigrationStep.now(s.to(MigrationPhase.Copying, "nothing in flight"));
    }

    private MigrationStep copy(MigrationState s) throws Exception {
        List<Map<String, Object>> rows = files(from);
        if (inFlight(rows) > 0) {
            return backToDraining(s);
        }
        long objects = copyObjects(rows);
        UserRows.upsert(to.db(), "files", rows);
        UserRows.upsert(to.db(), "upload_keys", uploadKeys(from));
        copyWebhookRows(true);
        return MigrationStep.now(s.counts(rows.size(), rows.size(), objects, 0)
                .to(MigrationPhase.Verifying, "copied " + rows.size() + " file(s) and " + objects + " object(s)"));
    }

    private MigrationStep verify(MigrationState s) throws Exception {
        List<Map<String, Object>> source = files(from);
        if (inFlight(source) > 0) {
            return backToDraining(s);
        }
        Map<Object, Map<String, Object>> copies = byId(files(to));
        List<String> problems = new ArrayList<>();
        for (Map<String, Object> row : source) {
            if (!row.equals(copies.get(row.get("id")))) {
                problems.add("row " + row.get("id"));
                continue;
            }
            for (String key : keys(row)) {
                long size = store.size(from.bucket(), key);
                if (size >= 0 && store.size(to.bucket(), key) != size) {
                    problems.add("object " + key);
                }
            }
        }
        if (!uploadKeys(to)
                .containsAll(uploadKeys(from))) {
            problems.add("idempotency keys");
        }
        if (!problems.isEmpty()) {
            return MigrationStep.now(s.to(MigrationPhase.Copying, problems.size() + " difference(s) ("
                    + problems.get(0) + (problems.size() > 1 ? ", ..." : "") + "); copying again"));
        }
        return MigrationStep.now(s.counts(s.filesTotal(), s.filesCopied(), s.objectsCopied(), source.size())
                .to(MigrationPhase.Switching, "verified " + source.size() + " file(s)"));
    }

    private MigrationStep switchHome(MigrationState s) throws Exception {
        directory.switchHome(userId, from.region(), to.region(), migrationId);
        UserDirectory.Entry now = directory.find(userId).orElse(null);
        if (now == null || now.homeRegion() != to.region() || now.migrating()) {
            // Someone else moved or unfroze the user meanwhile: deleting the source now could lose their files.
            return MigrationStep.now(s.to(MigrationPhase.Failed, "the switch did not apply: user " + userId
                    + (now == null ? " is gone" : " lives in " + now.homeRegion().code()
                    + (now.migrating() ? " (frozen)" : "")) + "; the source was left as it is"));
        }
        Instant at = s.switchedAt() != null ? s.switchedAt() : clock.instant();
        return MigrationStep.now(s.switched(at).to(MigrationPhase.CleaningUp, "home region is now "
                + to.region().code()));
    }

    /**
     * After the switch the target is the user's live data (its own conversions, retries and cancels change it), so
     * nothing is copied over it any more: a source row the target lacks (an upload that landed late) is added unless
     * the target recorded its deletion (the user deleted it there after the switch), and every finished source row is
     * deleted with its objects.
     */
    private MigrationStep cleanUp(MigrationState s) throws Exception {
        Duration graceLeft = Duration.between(clock.instant(), s.switchedAt().plus(settings.grace()));
        if (graceLeft.compareTo(Duration.ZERO) > 0) {
            // API processes may still serve reads from the source with a cached directory entry.
            return MigrationStep.after(s.to(MigrationPhase.CleaningUp, "grace period before deleting the source"),
                    min(graceLeft, settings.poll()));
        }
        List<Map<String, Object>> source = files(from);
        long inFlight = inFlight(source);
        if (inFlight > 0) {
            return MigrationStep.after(s.to(MigrationPhase.CleaningUp, "waiting for " + inFlight
                    + " file(s) still in progress in " + from.region().code()), settings.poll());
        }
        Map<Object, Map<String, Object>> target = byId(files(to));
        List<Map<String, Object>> missing = source.stream().filter(r -> !target.containsKey(r.get("id"))).toList();
        // Missing because the user deleted it in the target after the switch: its source copy goes, not back.
        Set<Object> deleted = UserRows.deleted(to.db(), missing.stream().map(r -> r.get("id")).toList());
        List<Map<String, Object>> late = missing.stream().filter(r -> !deleted.contains(r.get("id"))).toList();
        copyObjects(late);
        UserRows.insertMissing(to.db(), "files", late);
        UserRows.insertMissing(to.db(), "upload_keys", uploadKeys(from));
        copyWebhookRows(false);
        // Objects first, row after: a crash in between leaves a row without objects, which the next run finds
        // and deletes (the other order could leave objects that no row points to any more).
        for (Map<String, Object> row : source) {
            for (String key : keys(row)) {
                store.delete(from.bucket(), key);
            }
            UserRows.deleteFileIn(from.db(), row.get("id"), FINISHED);
        }
        if (!files(from).isEmpty()) {
            return MigrationStep.after(s.to(MigrationPhase.CleaningUp, "a source file changed while cleaning up"),
                    settings.poll());
        }
        UserRows.deleteAll(from.db(), "upload_keys", userId);
        UserRows.deleteAll(from.db(), "webhook_deliveries", userId);
        UserRows.deleteAll(from.db(), "webhook_settings", userId);
        return MigrationStep.now(s.to(MigrationPhase.Completed, "moved " + (s.filesVerified() + late.size())
                + " file(s) from " + from.region().code() + " to " + to.region().code()));
    }

    /** The user's files rows in a region, by id. */
    private List<Map<String, Object>> files(Side side) throws Exception {
        return UserRows.read(side.db(), "files", userId, "id");
    }

    /**
     * The user's webhook settings and deliveries move with the files (the target's deliverer sends what is still
     * pending). A delivery the source sent during the move may be sent again by the target with the same webhook-id,
     * which receivers drop as a duplicate.
     */
    private void copyWebhookRows(boolean overwrite) throws Exception {
        List<Map<String, Object>> settings = UserRows.read(from.db(), "webhook_settings", userId, "user_id");
        List<Map<String, Object>> deliveries = UserRows.read(from.db(), "webhook_deliveries", userId, "id");
        if (overwrite) {
            UserRows.upsert(to.db(), "webhook_settings", settings);
            UserRows.upsert(to.db(), "webhook_deliveries", deliveries);
        } else {
            UserRows.insertMissing(to.db(), "webhook_settings", settings);
            UserRows.insertMissing(to.db(), "webhook_deliveries", deliveries);
        }
    }

    /** The user's idempotency keys in a region. */
    private List<Map<String, Object>> uploadKeys(Side side) throws Exception {
        return UserRows.read(side.db(), "upload_keys", userId, "idem_key");
    }

    /** Server-side copies of the rows' objects that exist in the source; returns how many there were. */
    private long copyObjects(List<Map<String, Object>> rows) {
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

    private MigrationStep backToDraining(MigrationState s) {
        return MigrationStep.now(s.to(MigrationPhase.Draining, "a file is in progress again in "
                + from.region().code()));
    }

    private boolean stillFrozen() throws Exception {
        return directory.heldBy(userId, from.region(), migrationId);
    }

    private static long inFlight(List<Map<String, Object>> rows) {
        return rows.stream().filter(r -> IN_FLIGHT.contains(FileStatus.valueOf((String) r.get("status")))).count();
    }

    private static List<String> keys(Map<String, Object> row) {
        // The thumbnail is optional: copyObjects and the verification skip a key without an object.
        return List.of((String) row.get("input_key"), (String) row.get("output_key"),
                S3Keys.thumbnail((String) row.get("user_id"), (String) row.get("id")));
    }

    private static Map<Object, Map<String, Object>> byId(List<Map<String, Object>> rows) {
        Map<Object, Map<String, Object>> m = new HashMap<>();
        rows.forEach(r -> m.put(Objects.requireNonNull(r.get("id")), r));
        return m;
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) < 0 ? a : b;
    }
}
