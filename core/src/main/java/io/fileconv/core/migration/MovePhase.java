package io.fileconv.core.migration;

/** The work of one {@link MigrationPhase}: safe to run again after a crash, with the same result. */
interface MovePhase {
    MigrationStep run(MoveContext c, MigrationState s) throws Exception;
}
