package io.fileconv.core.migration;

/**
 * Steps of a region migration, in order; each one is idempotent and resumable after a crash (the names are the
 * RegionMigration CRD's status.phase values).
 */
public enum MigrationPhase {
    Pending, Freezing, Draining, Copying, Verifying, Switching, CleaningUp, Completed, Failed;

    public boolean isTerminal() {
        return this == Completed || this == Failed;
    }
}
