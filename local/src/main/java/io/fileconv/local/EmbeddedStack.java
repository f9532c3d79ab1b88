package io.fileconv.local;

import com.zaxxer.hikari.HikariDataSource;
import io.fileconv.api.ApiServer;
import io.fileconv.api.ArchiveInspector;
import io.fileconv.api.ApiSettings;
import io.fileconv.api.CallerResolver;
import io.fileconv.api.DevTokenIssuer;
import io.fileconv.api.FilesController;
import io.fileconv.api.JwtVerifier;
import io.fileconv.api.RegionStore;
import io.fileconv.api.TypeDetector;
import io.fileconv.api.UserDirectory;
import io.fileconv.converter.ConversionTask;
import io.fileconv.converter.DocumentConverter;
import io.fileconv.converter.OfficePool;
import io.fileconv.converter.OfficePoolConfig;
import io.fileconv.core.ConsumerOffsetStore;
import io.fileconv.core.Databases;
import io.fileconv.core.FileRepository;
import io.fileconv.core.ObjectStore;
import io.fileconv.core.ObjectStoreConfig;
import io.fileconv.core.Region;
import io.fileconv.core.metrics.FileconvMetrics;
import io.fileconv.core.metrics.PipelineMetrics;
import io.fileconv.operator.dispatch.Dispatcher;
import io.fileconv.operator.dispatch.RegionContext;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * The whole pipeline on one machine over loopback, with real components: MariaDB (binlog ROW) holding the three
 * regional databases and the user directory, a KRaft Kafka broker, one Debezium engine per region, S3Proxy with a
 * bucket per region, the API with the web UI, the dispatcher, and the LocalLauncher converting on a warm
 * LibreOffice pool. Only the launcher differs from a Kubernetes deployment.
 */
public final class EmbeddedStack implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedStack.class);
    public static final List<Region> REGIONS = List.of(Region.values());

    private final Deque<AutoCloseable> toClose = new ArrayDeque<>();
    private final StackOptions options;
    private final Map<Region, FileRepository> repositories = new EnumMap<>(Region.class);
    private EmbeddedMariaDb mariaDb;
    private EmbeddedKafka kafka;
    private EmbeddedS3 s3;
    private ObjectStore objectStore;
    private LocalLauncher launcher;
    private Dispatcher dispatcher;
    private ApiServer api;
    private ConversionLog conversionLog;
    private volatile boolean ready;
    /** One registry for API and worker: the API's /metrics shows the whole in-process pipeline. */
    private final PrometheusMeterRegistry metrics = FileconvMetrics.create("fileconv-local");

    private EmbeddedStack(StackOptions options) {
        this.options = options;
    }

    public static EmbeddedStack start(StackOptions options) throws Exception {
        EmbeddedStack stack = new EmbeddedStack(options);
        try {
            stack.boot();
            return stack;
        } catch (Exception | Error e) {
            stack.close();
            throw e;
        }
    }

    private void boot() throws Exception {
        long t0 = System.nanoTime();
        Path data = Files.createDirectories(options.dataDir().toAbsolutePath());

        mariaDb = push(EmbeddedMariaDb.start(data.resolve("mariadb"), mariaDbBinaries(), FreePorts.next()));
        List<String> dbs = new ArrayList<>(REGIONS.stream().map(Region::database).toList());
        dbs.add("fileconv_directory");
        mariaDb.createDatabases(dbs);
        HikariDataSource directoryDs = push(Databases.pool(mariaDb.jdbcBase(), "fileconv_directory", "root", "", 4, metrics));
        Databases.migrateDirectory(directoryDs);
        for (Region r : REGIONS) {
            HikariDataSource ds = push(Databases.pool(mariaDb.jdbcBase(), r.database(), "root", "", 8, metrics));
            Databases.migrateRegion(ds);
            repositories.put(r, new FileRepository(r, ds));
        }

        s3 = push(EmbeddedS3.start(data.resolve("s3"), FreePorts.next()));
        objectStore = push(new ObjectStore(new ObjectStoreConfig(s3.endpoint(), "us-east-1", EmbeddedS3.ACCESS_KEY,
                EmbeddedS3.SECRET_KEY, true), metrics));
        for (Region r : REGIONS) {
            objectStore.ensureBucket(r.defaultBucket());
        }

        kafka = push(EmbeddedKafka.start(data.resolve("kafka"), FreePorts.next(), FreePorts.next()));
        kafka.createTopics(REGIONS.stream().map(Region::filesTopic).toList(), 3);
        KafkaProducer<String, String> producer = push(producer(kafka.bootstrap()));
        for (Region r : REGIONS) {
            push(CdcStream.start(r, "127.0.0.1", mariaDb.port(), data.resolve("cdc"), producer));
        }

        OfficePool pool = push(OfficePool.start(new OfficePoolConfig(OfficePoolConfig.freePorts(options.officeProcesses()), 200,
                options.taskTimeout(), data.resolve("office"))));
        conversionLog = new ConversionLog(data.resolve("conversions.log"));
        launcher = push(new LocalLauncher(repositories, new ConversionTask(objectStore, new DocumentConverter(pool),
                data.resolve("scratch")), objectStore, conversionLog, options.officeProcesses(),
                new PipelineMetrics(metrics)));
        launcher.resumeInterrupted();

        List<RegionContext> contexts = REGIONS.stream().map(r -> new RegionContext(r, repositories.get(r),
                new ConsumerOffsetStore(repositories.get(r).dataSource()), r.defaultBucket())).toList();
        dispatcher = push(new Dispatcher(kafka.bootstrap(), contexts, launcher, metrics));
        dispatcher.start();

        ApiSettings settings = new ApiSettings(options.apiPort(), options.maxUploadBytes(), "fileconv-dev",
                "fileconv", null, true, Map.of());
        DevTokenIssuer issuer = new DevTokenIssuer(data.resolve("keys").resolve("dev-issuer.jwk.json"),
                settings.issuer(), settings.audience(), Duration.ofHours(8));
        UserDirectory directory = new UserDirectory(directoryDs);
        Map<Region, RegionStore> stores = new EnumMap<>(Region.class);
        REGIONS.forEach(r -> stores.put(r, new RegionStore(r, repositories.get(r), r.defaultBucket())));
        CallerResolver callers = new CallerResolver(new JwtVerifier(issuer.keySource(), issuer.issuer(),
                issuer.audience()), directory, stores, Map.of());
        FilesController files = new FilesController(callers, objectStore, new TypeDetector(),
                new ArchiveInspector(ArchiveInspector.Limits.defaults()), options.maxUploadBytes(),
                new PipelineMetrics(metrics));
        api = push(new ApiServer(settings, files, issuer, directory, REGIONS, () -> ready,
                Files.createDirectories(data.resolve("multipart")), metrics).start());
        ready = true;
        LOG.info("fileconv embedded stack ready in {} s: {}", (System.nanoTime() - t0) / 1_000_000_000.0, baseUrl());
    }

    /** MariaDB binaries are unpacked once per machine, not once per data directory. */
    private static Path mariaDbBinaries() {
        String override = System.getenv("FILECONV_MARIADB_BASEDIR");
        if (override != null && !override.isBlank()) {
            return Path.of(override);
        }
        return Path.of(System.getProperty("user.home"), ".cache", "fileconv", "mariadb-11.4.5");
    }

    private static KafkaProducer<String, String> producer(String bootstrap) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        return new KafkaProducer<>(p);
    }

    private <T extends AutoCloseable> T push(T c) {
        toClose.push(c);
        return c;
    }

    public String baseUrl() {
        return "http://localhost:" + api.port();
    }

    public FileRepository files(Region region) {
        return repositories.get(region);
    }

    public ObjectStore objectStore() {
        return objectStore;
    }

    public LocalLauncher launcher() {
        return launcher;
    }

    public Dispatcher dispatcher() {
        return dispatcher;
    }

    public ConversionLog conversionLog() {
        return conversionLog;
    }

    /** JDBC base URL of the embedded MariaDB (append a schema name). */
    public String jdbcBase() {
        return mariaDb.jdbcBase();
    }

    public StackOptions options() {
        return options;
    }

    /** Stops in reverse order of start: API first (no new uploads), database last. */
    @Override
    public void close() {
        ready = false;
        while (!toClose.isEmpty()) {
            AutoCloseable c = toClose.pop();
            try {
                c.close();
            } catch (Exception | Error e) {
                LOG.warn("stopping {} failed: {}", c.getClass().getSimpleName(), e.toString());
            }
        }
    }

    static void deleteTree(Path dir) throws java.io.IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
