package io.fileconv.core.schema;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationInfoService;
import org.flywaydb.core.api.MigrationVersion;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Optional;

/**
 * Flyway, in one place: migrating a schema, and comparing the version a schema is at with the highest migration this
 * code ships. Flyway serialises concurrent migrations of one schema with a MySQL named lock (flyway-mysql's
 * {@code MySQLConnection.lock} takes {@code GET_LOCK} through {@code MySQLNamedLockTemplate}), so the migration Job
 * of several cells, or several processes migrating at start, can run at once: the first applies, the others wait
 * for the lock and then find nothing pending ({@code SchemaGateTest} runs two at once).
 */
public final class SchemaVersions {
    private SchemaVersions() {
    }

    public static void migrate(SchemaTarget target) {
        flyway(target).migrate();
    }

    /**
     * Why the schema is not usable by this code yet, or empty when it is at (or above) the version this code ships.
     * A newer schema is fine: migrations only add, so the previous release keeps working during a rolling upgrade.
     */
    public static Optional<String> missing(SchemaTarget target) {
        MigrationInfoService info;
        try {
            info = flyway(target).info();
        } catch (RuntimeException e) {
            return Optional.of("schema " + target.schema() + " cannot be read: " + rootMessage(e));
        }
        MigrationVersion needed = Arrays.stream(info.all())
                .filter(i -> i.getState().isResolved() && i.getVersion() != null)
                .map(MigrationInfo::getVersion).max(Comparator.naturalOrder()).orElse(MigrationVersion.EMPTY);
        MigrationInfo current = info.current();
        if (current != null && current.getState().isFailed()) {
            return Optional.of("schema " + target.schema() + " has a failed migration " + current.getVersion()
                    + " (" + current.getDescription() + "); repair it before migrating again");
        }
        MigrationVersion at = current == null || current.getVersion() == null ? MigrationVersion.EMPTY
                : current.getVersion();
        if (at.compareTo(needed) >= 0) {
            return Optional.empty();
        }
        return Optional.of("schema " + target.schema() + " at version "
                + (at == MigrationVersion.EMPTY ? "none (not migrated)" : at.getVersion()) + ", needs "
                + needed.getVersion());
    }

    private static Flyway flyway(SchemaTarget target) {
        return Flyway.configure().dataSource(target.dataSource()).locations(target.kind().location())
                // The gate reads the state of a schema a newer release may have migrated: its migrations are not on
                // this classpath, which is fine (see missing()).
                .ignoreMigrationPatterns("*:future").load();
    }

    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        return m.replaceAll("\\s+", " ").trim();
    }
}
