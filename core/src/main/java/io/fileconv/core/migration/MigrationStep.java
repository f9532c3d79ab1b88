package io.fileconv.core.migration;

import java.time.Duration;

/** The state after a step, and how long to wait before the next one (zero: go on now). */
public record MigrationStep(MigrationState state, Duration retryAfter) {
    static MigrationStep now(MigrationState state) {
        return new MigrationStep(state, Duration.ZERO);
    }

    static MigrationStep after(MigrationState state, Duration wait) {
        return new MigrationStep(state, wait);
    }
}
