package io.fileconv.operator.k8s.reconciler;

import io.fabric8.kubernetes.api.model.Condition;
import io.fileconv.core.Region;
import io.fileconv.core.metrics.MigrationMetrics;
import io.fileconv.core.migration.MigrationPhase;
import io.fileconv.core.migration.MigrationState;
import io.fileconv.core.migration.MigrationStep;
import io.fileconv.core.migration.RegionMove;
import io.fileconv.operator.k8s.crd.RegionMigration;
import io.fileconv.operator.k8s.crd.RegionMigrationSpec;
import io.fileconv.operator.k8s.crd.RegionMigrationStatus;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;

/**
 * Drives a RegionMigration through {@link RegionMove}, one phase per reconcile. The status is the move's only
 * memory: phase, counts, and two conditions whose transition times are the freeze and the switch (they time the
 * grace periods), so an operator restarted mid-move, or another replica taking over, resumes from the status.
 * A phase that fails (database or S3 down) keeps its phase, puts the error in {@code status.message} and runs again
 * every {@link #ERROR_BACKOFF}; a move this operator cannot carry out at all (a region it does not serve) is Failed.
 */
@ControllerConfiguration(name = RegionMigrationReconciler.NAME)
public class RegionMigrationReconciler implements Reconciler<RegionMigration>, Cleaner<RegionMigration> {
    public static final String NAME = "regionmigration";
    static final String FROZEN = "Frozen";
    static final String SWITCHED = "Switched";
    private static final Logger LOG = LoggerFactory.getLogger(RegionMigrationReconciler.class);
    static final Duration ERROR_BACKOFF = Duration.ofSeconds(15);

    /** Builds the move of one user between two regions this operator serves; the id is the resource's uid. */
    @FunctionalInterface
    public interface RegionMoves {
        RegionMove create(String migrationId, String userId, Region from, Region to);
    }

    private final RegionMoves moves;
    private final MigrationMetrics metrics;
    private final Clock clock;

    public RegionMigrationReconciler(RegionMoves moves, MigrationMetrics metrics, Clock clock) {
        this.moves = moves;
        this.metrics = metrics;
        this.clock = clock;
    }

    @Override
    public UpdateControl<RegionMigration> reconcile(RegionMigration rm, Context<RegionMigration> context) {
        RegionMigrationStatus status = rm.getStatus() == null ? new RegionMigrationStatus() : rm.getStatus();
        rm.setStatus(status);
        MigrationState state = state(status);
        if (state.phase().isTerminal()) {
            return UpdateControl.noUpdate();
        }
        RegionMigrationSpec spec = rm.getSpec();
        MigrationStep step;
        RegionMove move;
        try {
            move = move(rm);
        } catch (IllegalArgumentException e) {
            write(state.failed(e.getMessage()), status, rm.getMetadata().getGeneration());
            metrics.finished(Region.fromCode(spec.getFrom()), Region.fromCode(spec.getTo()), "Failed");
            return UpdateControl.patchStatus(rm);
        }
        try {
            step = move.next(state);
        } catch (Exception e) {
            // Database or S3 unreachable: the phase runs again (it is idempotent), for as long as it takes, and the
            // status says why it is stuck instead of the move going quiet after a few JOSDK retries.
            LOG.warn("migration {}: {} failed, retrying in {}", rm.getMetadata().getName(), state.phase(),
                    ERROR_BACKOFF, e);
            status.setMessage(state.phase() + " failed, retrying: " + e);
            return UpdateControl.patchStatus(rm).rescheduleAfter(ERROR_BACKOFF);
        }
        MigrationState next = step.state();
        if (next.phase().isTerminal()) {
            metrics.finished(Region.fromCode(spec.getFrom()), Region.fromCode(spec.getTo()), next.phase().name());
        }
        if (next.phase() != state.phase()) {
            LOG.info("migration {} of user {} {} -> {}: {} -> {} ({})", rm.getMetadata().getName(), spec.getUserId(),
                    spec.getFrom(), spec.getTo(), state.phase(), next.phase(), next.message());
        }
        write(next, status, rm.getMetadata().getGeneration());
        UpdateControl<RegionMigration> control = UpdateControl.patchStatus(rm);
        // A status patch of our own raises no new event, so the next phase is scheduled explicitly.
        return next.phase().isTerminal() ? control
                : control.rescheduleAfter(step.retryAfter().isZero() ? Duration.ofMillis(1) : step.retryAfter());
    }

    /**
     * Deleting a RegionMigration never strands the user: before the switch it unfreezes them (nothing has left the
     * source); from the switch on the finalizer stays until the clean-up has removed everything from the source.
     */
    @Override
    public DeleteControl cleanup(RegionMigration rm, Context<RegionMigration> context) throws Exception {
        MigrationState state = rm.getStatus() == null ? MigrationState.start() : state(rm.getStatus());
        if (state.phase().isTerminal() || state.phase() == MigrationPhase.Pending) {
            return DeleteControl.defaultDelete();
        }
        RegionMove move;
        try {
            move = move(rm);
        } catch (IllegalArgumentException e) {
            return DeleteControl.defaultDelete(); // a region this operator does not serve: it never started
        }
        if (state.switchedAt() == null && move.abandon()) {
            LOG.info("migration {} deleted in {}: user {} unfrozen", rm.getMetadata().getName(), state.phase(),
                    rm.getSpec().getUserId());
            return DeleteControl.defaultDelete();
        }
        // Switched (possibly without the status saying so): the source must still be emptied. From the status if it
        // has the switch time, else from the start, whose Freezing sees the switch and goes to CleaningUp.
        MigrationState end = move.runToEnd(state.switchedAt() != null ? state : MigrationState.start(), x -> { });
        if (end.phase() == MigrationPhase.Completed) {
            return DeleteControl.defaultDelete();
        }
        LOG.warn("migration {} deleted after the switch; clean-up ended {}: {}", rm.getMetadata().getName(),
                end.phase(), end.message());
        return DeleteControl.noFinalizerRemoval().rescheduleAfter(ERROR_BACKOFF);
    }

    private RegionMove move(RegionMigration rm) {
        RegionMigrationSpec spec = rm.getSpec();
        return moves.create(rm.getMetadata().getUid(), spec.getUserId(), Region.fromCode(spec.getFrom()),
                Region.fromCode(spec.getTo()));
    }

    static MigrationState state(RegionMigrationStatus s) {
        if (s.getPhase() == null) {
            return MigrationState.start();
        }
        return new MigrationState(s.getPhase(), since(s, FROZEN), since(s, SWITCHED), n(s.getFilesTotal()),
                n(s.getFilesCopied()), n(s.getObjectsCopied()), n(s.getFilesVerified()), s.getMessage());
    }

    private void write(MigrationState m, RegionMigrationStatus s, Long generation) {
        Instant now = clock.instant();
        if (s.getStartTime() == null) {
            s.setStartTime(now.toString());
        }
        s.setPhase(m.phase());
        s.setMessage(m.message());
        s.setFilesTotal(m.filesTotal());
        s.setFilesCopied(m.filesCopied());
        s.setObjectsCopied(m.objectsCopied());
        s.setFilesVerified(m.filesVerified());
        s.setObservedGeneration(generation);
        if (s.getConditions() == null) {
            s.setConditions(new ArrayList<>());
        }
        if (m.frozenAt() != null && m.phase() == MigrationPhase.Failed && m.switchedAt() == null) {
            StatusConditions.set(s.getConditions(), FROZEN, false, "Unfrozen", "the move gave up; uploads accepted",
                    generation, now);
        } else if (m.frozenAt() != null && m.switchedAt() != null) {
            StatusConditions.set(s.getConditions(), FROZEN, false, "Switched", "the target region takes uploads",
                    generation, m.switchedAt());
        } else if (m.frozenAt() != null) {
            // The transition time is the freeze itself: the grace periods are timed from it after a restart.
            StatusConditions.set(s.getConditions(), FROZEN, true, "UploadsFrozen", "uploads refused until the switch",
                    generation, m.frozenAt());
        }
        if (m.switchedAt() != null) {
            StatusConditions.set(s.getConditions(), SWITCHED, true, "HomeRegionChanged",
                    "the user is served by the target region", generation, m.switchedAt());
        }
        if (m.phase().isTerminal() && s.getFinishTime() == null) {
            s.setFinishTime(now.toString());
        }
    }

    private static Instant since(RegionMigrationStatus s, String type) {
        return s.getConditions() == null ? null : s.getConditions().stream()
                .filter(c -> type.equals(c.getType()) && c.getLastTransitionTime() != null)
                .map(Condition::getLastTransitionTime).map(Instant::parse).findFirst().orElse(null);
    }

    private static long n(Long v) {
        return v == null ? 0 : v;
    }
}
