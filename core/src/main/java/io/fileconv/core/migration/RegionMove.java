package io.fileconv.core.migration;

import io.fileconv.core.Env;
import io.fileconv.core.FileRepository;
import io.fileconv.core.ObjectStore;
import io.fileconv.core.Region;
import io.fileconv.core.UserDirectory;

import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.Consumer;
import javax.sql.DataSource;

/**
 * Moves one user's files (rows and objects) from one region to another, one phase per {@link #next} call (each phase
 * is a {@link MovePhase} of its own: FreezePhase, DrainPhase, CopyPhase, VerifyPhase, SwitchPhase, CleanUpPhase). Each phase
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

    private final MoveContext context;
    private final Map<MigrationPhase, MovePhase> phases = new EnumMap<>(Map.of(
            MigrationPhase.Freezing, new FreezePhase(),
            MigrationPhase.Draining, new DrainPhase(),
            MigrationPhase.Copying, new CopyPhase(),
            MigrationPhase.Verifying, new VerifyPhase(),
            MigrationPhase.Switching, new SwitchPhase(),
            MigrationPhase.CleaningUp, new CleanUpPhase()));

    /**
     * @param migrationId identifies this move in the directory (a RegionMigration's uid): only the move that froze
     *                    the user can switch or unfreeze them, so two moves of one user cannot both run
     */
    public RegionMove(String userId, String migrationId, Side from, Side to, UserDirectory directory,
                      ObjectStore store, Settings settings, Clock clock) {
        this.context = new MoveContext(userId, migrationId, from, to, directory, store, settings, clock);
    }

    /** Does the work of {@code state}'s phase and says what comes next (and how soon to call again). */
    public MigrationStep next(MigrationState state) throws Exception {
        return switch (state.phase()) {
            case Pending -> MigrationStep.now(state.to(MigrationPhase.Freezing, "freezing the user's uploads"));
            case Completed, Failed -> MigrationStep.now(state);
            default -> phases.get(state.phase()).run(context, state);
        };
    }

    /**
     * Gives the move up (its RegionMigration was deleted): unfreezes the user if this move holds them.
     *
     * @return false when the user has already been switched to the target, so the move must be finished instead
     */
    public boolean abandon() throws Exception {
        MoveContext c = context;
        c.directory.unfreeze(c.userId, c.from.region(), c.migrationId);
        return c.directory.find(c.userId).map(e -> e.homeRegion() != c.to.region()).orElse(true);
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
}
