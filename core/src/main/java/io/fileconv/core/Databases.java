package io.fileconv.core;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import io.micrometer.core.instrument.MeterRegistry;
import org.flywaydb.core.Flyway;

import javax.sql.DataSource;

/** Connection pools and versioned schema migrations (Flyway) for the regional and directory databases. */
public final class Databases {
    /** The global schema of the user directory (home region, migration freeze); regions have fileconv_<code>. */
    public static final String DIRECTORY = "fileconv_directory";

    private Databases() {
    }

    /**
     * @param jdbcBase e.g. {@code jdbc:mysql://127.0.0.1:3306/?sslMode=DISABLED} (the schema goes into the path)
     */
    public static HikariDataSource pool(String jdbcBase, String schema, String user, String password, int size) {
        return pool(jdbcBase, schema, user, password, size, null);
    }

    /** A pool of {@code schema} on the server {@code db} describes, named {@code poolName} in metrics. */
    public static HikariDataSource pool(DatabaseSettings db, String schema, int size, MeterRegistry registry,
                                        String poolName) {
        return pool(db.url().forSchema(schema), db.user(), db.password(), size, registry, poolName);
    }

    public static HikariDataSource pool(DatabaseSettings db, String schema, int size, MeterRegistry registry) {
        return pool(db, schema, size, registry, "fileconv-" + schema);
    }

    /**
     * As above, with HikariCP's pool metrics (hikaricp_connections_*, tagged with the pool name, so bounded) in
     * {@code registry} when it is not null. hikaricp_connections_usage_seconds (time a connection is held) is
     * the query latency as the application sees it.
     */
    public static HikariDataSource pool(String jdbcBase, String schema, String user, String password, int size,
                                        MeterRegistry registry) {
        return pool(jdbcBase, schema, user, password, size, registry, "fileconv-" + schema);
    }

    /** As above with an explicit pool name: two pools of one schema in one process need distinct metric tags. */
    public static HikariDataSource pool(String jdbcBase, String schema, String user, String password, int size,
                                        MeterRegistry registry, String poolName) {
        return pool(JdbcBaseUrl.parse("FILECONV_DB_URL", jdbcBase).forSchema(schema), user, password, size, registry,
                poolName);
    }

    private static HikariDataSource pool(String jdbcUrl, String user, String password, int size,
                                         MeterRegistry registry, String poolName) {
        HikariConfig cfg = new HikariConfig();
        cfg.setPoolName(poolName);
        // Connector/J by name: with Debezium's MariaDB driver also on the classpath (embedded stack), DriverManager
        // must not pick by registration order. The MariaDB driver only accepts jdbc:mysql: with permitMysqlScheme.
        cfg.setDriverClassName("com.mysql.cj.jdbc.Driver");
        cfg.setJdbcUrl(jdbcUrl);
        cfg.setUsername(user);
        cfg.setPassword(password);
        cfg.setMaximumPoolSize(size);
        cfg.setMinimumIdle(1);
        // A restarted MySQL must not make callers hang forever: fail fast, the caller retries.
        cfg.setConnectionTimeout(5_000);
        cfg.setInitializationFailTimeout(-1);
        cfg.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
        // HikariCP's advice for Connector/J: keep each connection's parsed statements (parsing the SQL of every
        // status read was a tenth of its CPU time in a profile, docs/PERFORMANCE.md) and do not ask the server for
        // session state the driver already knows (Hikari resets auto-commit and isolation on every return).
        cfg.addDataSourceProperty("cachePrepStmts", "true");
        cfg.addDataSourceProperty("prepStmtCacheSize", "250");
        cfg.addDataSourceProperty("prepStmtCacheSqlLimit", "2048");
        cfg.addDataSourceProperty("useLocalSessionState", "true");
        cfg.addDataSourceProperty("cacheServerConfiguration", "true");
        cfg.addDataSourceProperty("cacheResultSetMetadata", "true");
        cfg.addDataSourceProperty("elideSetAutoCommits", "true");
        cfg.addDataSourceProperty("maintainTimeStats", "false");
        if (registry != null) {
            cfg.setMetricsTrackerFactory(new MicrometerMetricsTrackerFactory(registry));
        }
        return new HikariDataSource(cfg);
    }

    public static void migrateRegion(DataSource ds) {
        migrate(ds, "classpath:db/region");
    }

    public static void migrateDirectory(DataSource ds) {
        migrate(ds, "classpath:db/directory");
    }

    private static void migrate(DataSource ds, String location) {
        Flyway.configure().dataSource(ds).locations(location).load().migrate();
    }
}
