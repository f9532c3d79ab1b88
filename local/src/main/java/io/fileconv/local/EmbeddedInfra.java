package io.fileconv.local;

import com.zaxxer.hikari.HikariDataSource;
import io.fileconv.core.Databases;
import io.fileconv.core.ObjectStore;
import io.fileconv.core.ObjectStoreConfig;
import io.fileconv.core.Region;
import io.fileconv.embedded.EmbeddedKafka;
import io.fileconv.embedded.EmbeddedMariaDb;
import io.fileconv.embedded.EmbeddedS3;
import io.fileconv.embedded.FreePorts;
import io.fileconv.embedded.S3Traffic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The infrastructure half of the embedded stack — what a cluster gets from its platform: MariaDB with the schemas
 * migrated, S3 with a bucket per region, a Kafka broker with the regional topics, and Debezium streaming each
 * regional files table into its topic. Ports are fixed for the life of this object, so the database and the broker
 * can be restarted in place (the fault tests do) and clients reconnect to the same address.
 */
public final class EmbeddedInfra implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedInfra.class);
    public static final List<Region> REGIONS = List.of(Region.values());

    private final Path dataDir;
    private final List<Integer> ports = FreePorts.take(4);
    private final int dbPort = ports.get(0);
    private final int kafkaPort = ports.get(1);
    private final int kafkaControllerPort = ports.get(2);
    private final int s3Port = ports.get(3);
    private EmbeddedMariaDb mariaDb;
    private EmbeddedS3 s3;
    private EmbeddedKafka kafka;
    private KafkaProducer<String, String> producer;
    private final List<CdcStream> cdc = new ArrayList<>();

    private EmbeddedInfra(Path dataDir) {
        this.dataDir = dataDir;
    }

    public static EmbeddedInfra start(Path dataDir) throws Exception {
        EmbeddedInfra infra = new EmbeddedInfra(Files.createDirectories(dataDir.toAbsolutePath()));
        try {
            infra.boot();
            return infra;
        } catch (Exception | Error e) {
            infra.close();
            throw e;
        }
    }

    private void boot() throws Exception {
        startMariaDb();
        List<String> dbs = new ArrayList<>(REGIONS.stream().map(Region::database).toList());
        dbs.add(Databases.DIRECTORY);
        mariaDb.createDatabases(dbs);
        try (HikariDataSource ds = Databases.pool(jdbcBase(), Databases.DIRECTORY, "root", "", 2)) {
            Databases.migrateDirectory(ds);
        }
        for (Region r : REGIONS) {
            try (HikariDataSource ds = Databases.pool(jdbcBase(), r.database(), "root", "", 2)) {
                Databases.migrateRegion(ds);
            }
        }
        s3 = EmbeddedS3.start(dataDir.resolve("s3"), s3Port);
        try (ObjectStore store = new ObjectStore(objectStoreConfig())) {
            for (Region r : REGIONS) {
                store.ensureBucket(r.defaultBucket());
            }
        }
        startKafka();
        kafka.createTopics(REGIONS.stream().map(Region::filesTopic).toList(), 3);
        producer = EmbeddedKafka.producer(kafka.bootstrap());
        for (Region r : REGIONS) {
            cdc.add(CdcStream.start(r, "127.0.0.1", dbPort, dataDir.resolve("cdc"), producer));
        }
        endpoints().write(dataDir);
    }

    private void startMariaDb() throws Exception {
        mariaDb = EmbeddedMariaDb.start(dataDir.resolve("mariadb"), EmbeddedMariaDb.defaultBinaries(), dbPort);
    }

    private void startKafka() throws Exception {
        kafka = EmbeddedKafka.start(dataDir.resolve("kafka"), kafkaPort, kafkaControllerPort);
    }

    /** Takes MySQL away (connection refused) until {@link #startMariaDbAgain()}: outages for the fault tests. */
    public void stopMariaDb() throws Exception {
        LOG.info("stopping MariaDB");
        mariaDb.close();
    }

    /** Starts MariaDB again on the same port and data after {@link #stopMariaDb()}. */
    public void startMariaDbAgain() throws Exception {
        LOG.info("starting MariaDB again");
        startMariaDb();
    }

    /** Stops and starts MariaDB on the same port and data (clients see a database restart). */
    public void restartMariaDb() throws Exception {
        LOG.info("restarting MariaDB");
        mariaDb.close();
        startMariaDb();
    }

    /** Stops and starts the Kafka broker on the same ports and log directory. */
    public void restartKafka() throws Exception {
        LOG.info("restarting Kafka");
        kafka.close();
        startKafka();
    }

    /** Takes the S3 API away (connection refused) until {@link #startS3()}: storage outages for the fault tests. */
    public void stopS3() throws Exception {
        LOG.info("stopping S3");
        s3.close();
    }

    public void startS3() throws Exception {
        s3 = EmbeddedS3.start(dataDir.resolve("s3"), s3Port);
    }

    public Endpoints endpoints() {
        return new Endpoints(jdbcBase(), kafka.bootstrap(), s3.endpoint(), EmbeddedS3.ACCESS_KEY, EmbeddedS3.SECRET_KEY);
    }

    public ObjectStoreConfig objectStoreConfig() {
        return new ObjectStoreConfig(s3.endpoint(), "us-east-1", EmbeddedS3.ACCESS_KEY, EmbeddedS3.SECRET_KEY, true);
    }

    public String jdbcBase() {
        return EmbeddedMariaDb.jdbcBase(dbPort);
    }

    /** What the S3 server has been asked since it (last) started: the cost benchmark's counts. */
    public S3Traffic.Counts s3Traffic() {
        return s3.traffic();
    }

    public String kafkaBootstrap() {
        return kafka.bootstrap();
    }

    public Path dataDir() {
        return dataDir;
    }

    @Override
    public void close() {
        try {
            Files.deleteIfExists(Endpoints.file(dataDir));
        } catch (Exception ignored) {
            // best effort: a stale file only makes `fileconv retry` report an unreachable stack
        }
        for (CdcStream c : cdc) {
            c.close();
        }
        closeQuietly(producer);
        closeQuietly(kafka);
        closeQuietly(s3);
        closeQuietly(mariaDb);
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception | Error e) {
            LOG.warn("stopping {} failed: {}", c.getClass().getSimpleName(), e.toString());
        }
    }
}
