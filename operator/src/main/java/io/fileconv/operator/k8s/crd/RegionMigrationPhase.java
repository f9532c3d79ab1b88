package io.fileconv.operator.k8s.crd;

/** Steps of a region migration, in order; each one is idempotent and resumable after a crash. */
public enum RegionMigrationPhase {
    Pending, Freezing, Draining, Copying, Verifying, Switching, CleaningUp, Completed, Failed
}
