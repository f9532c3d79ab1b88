package io.fileconv.operator.k8s.reconciler;

import io.fabric8.kubernetes.api.model.Condition;
import io.fileconv.core.Region;
import io.fileconv.core.migration.MigrationPhase;
import io.fileconv.core.migration.MigrationState;
import io.fileconv.core.migration.MigrationStep;
import io.fileconv.core.migration.RegionMove;
import io.fileconv.operator.k8s.crd.RegionMigration;
import io.fileconv.operator.k8s.crd.RegionMigrationSpec;
import io.fileconv.operator.k8s.crd.RegionMigrationStatus;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
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
 * Errors (database or S3 down) leave the status as it was and JOSDK retries the same phase with back-off.
 */
@ControllerConfiguration(name = RegionMigrationReconciler.NAME)
public class RegionMigrationReconciler implements Reconciler<RegionMigration> {
    public static final String NAME = "regionmigration";
    static final String FROZEN = "Frozen";
    static final String SWITCHED = "Switched";
    private static final Logger log = LoggerFactory.getLogger(RegionMigrationReconciler.class);

    /** Builds the move of one user between two regions this operator serves. */
    @FunctionalInterface
    public interface RegionMoves {
        RegionMove create(String userId, Region from, Region to);
    }

    private final RegionMoves moves;
    private final Clock clock;

    public RegionMigrationReconciler(RegionMoves moves, Clock clock) {
        this.moves = moves;
        this.clock = clock;
    }

    @Override
    public UpdateControl<RegionMigration> reconcile(RegionMigration rm, Context<RegionMigration> context)
            throws Exception {
        RegionMigrationStatus status = rm.getStatus() == null ? new RegionMigrationStatus() : rm.getStatus();
        rm.setStatus(status);
        MigrationState state = state(status);
        if (state.phase().isTerminal()) {
            return UpdateControl.noUpdate();
        }
        RegionMigrationSpec spec = rm.getSpec();
        MigrationStep step = moves.create(spec.getUserId(), Region.fromCode(spec.getFrom()),
                Region.fromCode(spec.getTo())).next(state);
        MigrationState next = step.state();
        if (next.phase() != state.phase()) {
            log.info("migration {} of user {} {} -> {}: {} -> {} ({})", rm.getMetadata().getName(), spec.getUserId(),
                    spec.getFrom(), spec.getTo(), state.phase(), next.phase(), next.message());
        }
        write(next, status, rm.getMetadata().getGeneration());
        UpdateControl<RegionMigration> control = UpdateControl.patchStatus(rm);
        // A status patch of our own raises no new event, so the next phase is scheduled explicitly.
        return next.phase().isTerminal() ? control
                : control.rescheduleAfter(step.retryAfter().isZero() ? Duration.ofMillis(1) : step.retryAfter());
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
