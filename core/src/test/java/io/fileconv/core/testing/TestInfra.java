package io.fileconv.core.testing;

import com.zaxxer.hikari.HikariDataSource;
import io.fileconv.core.Databases;
import io.fileconv.core.FileRepository;
import io.fileconv.core.Ids;
import io.fileconv.core.ObjectStore;
import io.fileconv.core.ObjectStoreConfig;
import io.fileconv.core.Region;
import io.fileconv.core.S3Keys;
import io.fileconv.core.UserDirectory;
import io.fileconv.embedded.EmbeddedMariaDb;
import io.fileconv.embedded.EmbeddedS3;
import io.fileconv.embedded.FreePorts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What the data-access tests of core and operator need of a platform, without the rest of the embedded stack (no
 * Kafka, no CDC, no API, no converter): MariaDB with every region's schema and the directory migrated by core's own
 * code, and an S3 API with a bucket per region. Nothing writes change events here, so rows stay where a test puts
 * them. Started by {@link TestInfraExtension}.
 */
public final class TestInfra implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TestInfra.class);
    public static final List<Region> REGIONS = List.of(Region.values());

    private final List<AutoCloseable> started = new ArrayList<>();
    private final Map<Region, FileRepository> files = new EnumMap<>(Region.class);
    private EmbeddedMariaDb mariaDb;
    private EmbeddedS3 s3;
    private HikariDataSource directory;
    private ObjectStore objectStore;

    private TestInfra() {
    }

    /** Starts from an empty {@code dir}: anything a previous run left there is deleted first. */
    static TestInfra start(Path dir) throws Exception {
        TestInfra infra = new TestInfra();
        try {
            infra.boot(dir.toAbsolutePath());
            return infra;
        } catch (Exception | Error e) {
            infra.close();
            throw e;
        }
    }

    private void boot(Path dir) throws Exception {
        deleteTree(dir);
        List<Integer> ports = FreePorts.take(2);
        mariaDb = opened(EmbeddedMariaDb.start(dir.resolve("mariadb"), EmbeddedMariaDb.defaultBinaries(), ports.get(0)));
        List<String> dbs = new ArrayList<>(REGIONS.stream().map(Region::database).toList());
        dbs.add(Databases.DIRECTORY);
        mariaDb.createDatabases(dbs);
        directory = opened(Databases.pool(jdbcBase(), Databases.DIRECTORY, "root", "", 4));
        Databases.migrateDirectory(directory);
        for (Region r : REGIONS) {
            HikariDataSource ds = opened(Databases.pool(jdbcBase(), r.database(), "root", "", 4));
            Databases.migrateRegion(ds);
            files.put(r, new FileRepository(r, ds));
        }
        s3 = opened(EmbeddedS3.start(dir.resolve("s3"), ports.get(1)));
        objectStore = opened(new ObjectStore(objectStoreConfig()));
        for (Region r : REGIONS) {
            objectStore.ensureBucket(r.defaultBucket());
        }
    }

    private <T extends AutoCloseable> T opened(T resource) {
        started.add(resource);
        return resource;
    }

    /** The server's JDBC URL without a schema (user root, no password). */
    public String jdbcBase() {
        return mariaDb.jdbcBase();
    }

    /** The region's repository on its migrated schema. */
    public FileRepository files(Region region) {
        return files.get(region);
    }

    /** The migrated directory schema ({@link io.fileconv.core.UserDirectory}). */
    public HikariDataSource directory() {
        return directory;
    }

    public ObjectStore objectStore() {
        return objectStore;
    }

    public ObjectStoreConfig objectStoreConfig() {
        return new ObjectStoreConfig(s3.endpoint(), "us-east-1", EmbeddedS3.ACCESS_KEY, EmbeddedS3.SECRET_KEY, true);
    }

    /**
     * A file of {@code user} as the pipeline leaves it converted, for tests of what comes after: the row CONVERTED
     * at attempt 1 through the state machine's own transitions, its input, PDF and thumbnail in the region's bucket,
     * and the user in the directory with this home region if not there yet (as the API's first request does).
     *
     * @return the file's id
     */
    public String convertedFile(Region region, String user, String name) throws SQLException {
        new UserDirectory(directory).registerIfAbsent(user, region);
        FileRepository repo = files(region);
        String id = Ids.newId();
        byte[] input = ("a file of " + user).getBytes(StandardCharsets.UTF_8);
        String bucket = region.defaultBucket();
        objectStore.put(bucket, S3Keys.input(user, id), input, "text/plain");
        repo.insertUploaded(id, user, name, "text/plain", input.length, "0".repeat(64), "req-" + id);
        try (Connection c = repo.dataSource().getConnection()) {
            check(repo.markQueued(c, id, 1), id, "QUEUED");
        }
        check(repo.claimForConversion(id, 1), id, "CONVERTING");
        objectStore.put(bucket, S3Keys.output(user, id), "%PDF-1.7 test".getBytes(StandardCharsets.UTF_8),
                "application/pdf");
        objectStore.put(bucket, S3Keys.thumbnail(user, id), new byte[] {(byte) 0x89, 'P', 'N', 'G'}, "image/png");
        check(repo.markConverted(id, 1, 10), id, "CONVERTED");
        return id;
    }

    private static void check(boolean applied, String id, String status) {
        if (!applied) {
            throw new IllegalStateException("file " + id + " did not move to " + status);
        }
    }

    /** In reverse order of start: pools and clients before the servers they talk to. */
    @Override
    public void close() {
        for (int i = started.size() - 1; i >= 0; i--) {
            AutoCloseable c = started.get(i);
            try {
                c.close();
            } catch (Exception e) {
                LOG.warn("stopping {} failed: {}", c.getClass().getSimpleName(), e.toString());
            }
        }
        started.clear();
    }

    /** Deletes {@code dir} and everything in it, if it exists. */
    public static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
