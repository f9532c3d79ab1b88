package io.fileconv.operator.migrate;

import com.zaxxer.hikari.HikariDataSource;
import io.fileconv.core.DatabaseSettings;
import io.fileconv.core.Databases;
import io.fileconv.core.Env;
import io.fileconv.core.Region;
import io.fileconv.core.schema.SchemaKind;
import io.fileconv.core.schema.SchemaTarget;
import io.fileconv.core.schema.SchemaVersions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The schema migration step of a cluster install (the chart's pre-install/pre-upgrade hook Job, run from the operator
 * image: {@code java -cp /opt/fileconv/fileconv-operator.jar io.fileconv.operator.migrate.MigrateMain}). Migrates
 * the regional schema of every region in FILECONV_REGIONS and, with FILECONV_MIGRATE_DIRECTORY=true (the default),
 * the global user directory, creating a missing schema first; then exits 0. On failure it prints one line with the
 * reason to stderr and exits 1. Running it again, or from several cells at once, is safe: Flyway applies each
 * migration once, under a MySQL named lock (see {@link SchemaVersions}).
 */
public final class MigrateMain {
    private static final Logger LOG = LoggerFactory.getLogger(MigrateMain.class);

    private MigrateMain() {
    }

    public static void main(String[] args) {
        System.exit(run(Env.system()));
    }

    /** Migrates; returns the exit code. */
    public static int run(Env env) {
        String current = "settings";
        try {
            List<String> done = new ArrayList<>();
            DatabaseSettings regional = env.regionalDatabase();
            boolean directory = env.strictBool("FILECONV_MIGRATE_DIRECTORY", true);
            DatabaseSettings directoryDb = directory ? env.directoryDatabase() : null;
            for (Region region : env.regions()) {
                current = region.database();
                migrate(regional, region.database(), SchemaKind.REGION);
                done.add(region.database());
            }
            if (directory) {
                current = Databases.DIRECTORY;
                migrate(directoryDb, Databases.DIRECTORY, SchemaKind.DIRECTORY);
                done.add(Databases.DIRECTORY);
            }
            System.out.println("migrated " + String.join(", ", done));
            return 0;
        } catch (Exception e) {
            LOG.debug("migration failed", e);
            System.err.println("migration failed: " + (current.equals("settings") ? "" : "schema " + current + ": ")
                    + oneLine(e));
            return 1;
        }
    }

    private static void migrate(DatabaseSettings db, String schema, SchemaKind kind) throws SQLException {
        createIfMissing(db, schema);
        try (HikariDataSource pool = Databases.pool(db, schema, 1, null, "migrate-" + schema)) {
            SchemaTarget target = new SchemaTarget(schema, kind, pool);
            SchemaVersions.migrate(target);
            // Migrated means usable by this release: the same check the processes make before they start.
            SchemaVersions.missing(target).ifPresent(reason -> {
                throw new IllegalStateException(reason);
            });
        }
    }

    /**
     * A managed MySQL may come with the schemas (and a user without CREATE on the server), so only a schema that is
     * missing is created: CREATE DATABASE IF NOT EXISTS would need the privilege even when it exists.
     */
    private static void createIfMissing(DatabaseSettings db, String schema) throws SQLException {
        try (Connection c = DriverManager.getConnection(db.url().withoutSchema(), db.user(), db.password());
             Statement st = c.createStatement()) {
            try (var rs = st.executeQuery("SELECT 1 FROM information_schema.schemata WHERE schema_name = '"
                    + schema + "'")) {
                if (rs.next()) {
                    return;
                }
            }
            // IF NOT EXISTS: another cell's migration Job may create it between the check and here.
            st.execute("CREATE DATABASE IF NOT EXISTS `" + schema + "` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin");
            LOG.info("created schema {}", schema);
        }
    }

    static String oneLine(Throwable e) {
        StringBuilder sb = new StringBuilder();
        for (Throwable t = e; t != null && sb.length() < 600; t = t.getCause() == t ? null : t.getCause()) {
            String m = t.getMessage();
            if (m != null && !sb.toString().contains(m.strip())) {
                sb.append(sb.length() == 0 ? "" : ": ").append(m.strip());
            }
        }
        String s = sb.length() == 0 ? e.getClass().getSimpleName() : sb.toString();
        return s.replaceAll("\\s+", " ");
    }
}
