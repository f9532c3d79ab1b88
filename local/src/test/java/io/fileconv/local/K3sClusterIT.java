package io.fileconv.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.marcnuri.helm.Helm;
import com.zaxxer.hikari.HikariDataSource;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fileconv.core.ConversionRequest;
import io.fileconv.core.Databases;
import io.fileconv.core.Env;
import io.fileconv.core.FileRecord;
import io.fileconv.core.FileRepository;
import io.fileconv.core.FileStatus;
import io.fileconv.core.Ids;
import io.fileconv.core.ObjectStore;
import io.fileconv.core.Region;
import io.fileconv.core.S3Keys;
import io.fileconv.core.migration.MigrationPhase;
import io.fileconv.embedded.EmbeddedKafka;
import io.fileconv.operator.k8s.KubernetesLauncher;
import io.fileconv.operator.k8s.Labels;
import io.fileconv.operator.k8s.OperatorSettings;
import io.fileconv.operator.k8s.crd.FileConversion;
import io.fileconv.operator.k8s.crd.FileConversionPhase;
import io.fileconv.operator.k8s.crd.RegionMigration;
import io.fileconv.operator.k8s.crd.RegionMigrationSpec;
import io.fileconv.operator.k8s.crd.RegionMigrationStatus;
import io.fileconv.operator.k8s.reconciler.MigrationTargetSecrets;
import io.fileconv.testkit.ApiClient;
import io.fileconv.testkit.SampleDocuments;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.Container.ExecResult;
import org.testcontainers.containers.ContainerState;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.Transferable;
import org.testcontainers.k3s.K3sContainer;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.mariadb.MariaDBContainer;
import org.testcontainers.utility.DockerImageName;
import org.testcontainers.utility.MountableFile;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The Kubernetes path on a real cluster (k3s in a container): the Helm chart installs the CRDs and two operator
 * replicas built from this checkout; an upload through the API is streamed by Debezium into Kafka, dispatched by the
 * operator in the cluster into a FileConversion, converted by a Job running the converter image (LibreOffice) that
 * reads and writes S3, and reported back to the CR and the MySQL row; the PDF is then downloaded through the API.
 * Finally a RegionMigration moves the user from India to the UK, and the API serves the file from there.
 * <p>
 * Layout. MariaDB (binary log on), Kafka and S3 (S3Proxy, the embedded stack's server) run in containers on one
 * Docker network with k3s; pods reach them through selector-less Services whose EndpointSlices hold the containers'
 * addresses, which keeps the chart's configuration the production one (plain Service names). The API and Debezium
 * run in this JVM against the containers' mapped ports, as they would outside the cluster.
 * <p>
 * Runs in the integration-test phase (the images need the packaged jars) wherever a Docker engine is reachable;
 * elsewhere it is reported as skipped with the reason.
 */
@Timeout(value = 30, unit = TimeUnit.MINUTES)
class K3sClusterIT {
    private static final DockerImageName K3S = DockerImageName.parse("rancher/k3s:v1.31.4-k3s1");
    private static final DockerImageName MARIADB = DockerImageName.parse("mariadb:11.4");
    private static final DockerImageName KAFKA = DockerImageName.parse("apache/kafka:4.1.0");
    /** The operator image's base, reused to run S3Proxy from this build's runtime classpath. */
    private static final DockerImageName JRE = DockerImageName.parse("eclipse-temurin:17-jre-jammy");
    private static final String TAG = "k3s-test";
    private static final int S3_PORT = 9000;
    private static final int KAFKA_PORT = 19092;
    private static final String S3_ACCESS_KEY = "k3s-test";
    private static final String S3_SECRET_KEY = "k3s-test-secret";
    private static final String NS = ReleaseValues.NAMESPACE;
    private static final Region REGION = Region.IN;
    /** Where the k3s user moves at the end (a RegionMigration carried out by the operator in the cluster). */
    private static final Region TARGET = Region.UK;

    /** Per test (not @BeforeAll) so that the report counts the test as skipped, with this reason. */
    @BeforeEach
    void requireDocker() {
        boolean docker = DockerClientFactory.instance().isDockerAvailable();
        String reason = "no Docker engine reachable, so no k3s cluster can be started here"
                + " (this test runs wherever Docker exists)";
        if (!docker) {
            System.out.println("[SKIPPED] K3sClusterIT because " + reason);
        }
        assumeTrue(docker, reason);
    }

    @Test
    void anUploadIsConvertedByAConverterJobInTheClusterAndItsUserMovesRegion() throws Exception {
        Path repo = ReleaseValues.repoRoot();
        Path work = Path.of("target", "k3s-it").toAbsolutePath();
        EmbeddedStack.deleteTree(work);

        String converterImage = ClusterImages.build(repo, Deployable.CONVERTER, TAG);
        String operatorImage = ClusterImages.build(repo, Deployable.OPERATOR, TAG);
        // Not run in the cluster (the API runs in this JVM), built so that every target of images/Dockerfile is built
        // by a real engine somewhere; cheap, as the build stage comes from the cache.
        ClusterImages.build(repo, Deployable.API, TAG);
        Path converterTar = ClusterImages.save(converterImage, work);
        Path operatorTar = ClusterImages.save(operatorImage, work);

        try (Network network = Network.newNetwork();
             MariaDBContainer mariadb = new MariaDBContainer(MARIADB).withNetwork(network)
                     .withUsername("root").withPassword("")
                     // Debezium reads the binary log in ROW format with full images (as EmbeddedMariaDb runs it).
                     .withCommand("--log-bin=mariadb-bin", "--binlog-format=ROW", "--binlog-row-image=FULL",
                             "--server-id=1");
             KafkaContainer kafka = new KafkaContainer(KAFKA).withNetwork(network)
                     // Advertised to pods as kafka:19092; the Service named kafka makes that name resolve there.
                     .withListener("kafka:" + KAFKA_PORT);
             GenericContainer<?> s3 = s3Proxy(network);
             K3sContainer k3s = new K3sContainer(K3S).withNetwork(network)) {
            ClusterImages.preload(k3s, converterTar);
            ClusterImages.preload(k3s, operatorTar);
            mariadb.start();
            kafka.start();
            s3.start();
            k3s.start();
            ClusterImages.awaitImported(k3s, converterImage);
            ClusterImages.awaitImported(k3s, operatorImage);

            String jdbcBase = "jdbc:mysql://" + mariadb.getHost() + ":" + mariadb.getMappedPort(3306) + "/";
            Env env = new Env(Map.of(
                    "FILECONV_REGIONS", REGION.code() + "," + TARGET.code(),
                    "FILECONV_DB_URL", jdbcBase,
                    "FILECONV_DB_USER", "root",
                    "FILECONV_S3_ENDPOINT", "http://" + s3.getHost() + ":" + s3.getMappedPort(S3_PORT),
                    "FILECONV_S3_ACCESS_KEY", S3_ACCESS_KEY,
                    "FILECONV_S3_SECRET_KEY", S3_SECRET_KEY,
                    "FILECONV_S3_PATH_STYLE", "true",
                    "FILECONV_KAFKA_BOOTSTRAP", kafka.getBootstrapServers()));
            prepareInfrastructure(env, jdbcBase);

            try (KubernetesClient kube = new KubernetesClientBuilder()
                    .withConfig(Config.fromKubeconfig(k3s.getKubeConfigYaml())).build()) {
                kube.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
                        .create();
                externalService(kube, "mariadb", ip(mariadb, network), 3306);
                externalService(kube, "kafka", ip(kafka, network), KAFKA_PORT);
                externalService(kube, "s3", ip(s3, network), S3_PORT);
                ReleaseValues.createSecrets(kube, S3_ACCESS_KEY, S3_SECRET_KEY);
                // Operator pods resolve mariadb/kafka/s3 at start; without DNS they would crash-loop with back-off.
                kube.apps().deployments().inNamespace("kube-system").withName("coredns")
                        .waitUntilReady(3, TimeUnit.MINUTES);

                try {
                    // The chart as Argo CD would apply it: CRDs from its crds/, then the operator; waits until ready.
                    ReleaseValues values = ReleaseValues.inCluster(TAG, ip(s3, network), S3_PORT, KAFKA_PORT);
                    new Helm(ReleaseValues.chart()).install().withName(ReleaseValues.RELEASE).withNamespace(NS)
                            .withKubeConfigContents(k3s.getKubeConfigYaml()).withValuesFile(values.write(work))
                            .waitReady().withTimeout(600).call();

                    convertOneUpload(env, mariadb, kafka, work, kube, k3s);
                    converterNetworkIsLimitedToS3(kube, converterImage);
                    crdRulesAreEnforced(kube);
                } catch (Exception | AssertionError e) {
                    System.out.println(diagnostics(kube));
                    throw e;
                }
            }
        }
    }

    /** Upload -> Debezium -> Kafka -> dispatcher (in the cluster) -> FileConversion -> Job -> PDF in S3 -> API. */
    private static void convertOneUpload(Env env, MariaDBContainer mariadb, KafkaContainer kafka, Path work,
                                         KubernetesClient kube, K3sContainer k3s) throws Exception {
        try (KafkaProducer<String, String> producer = EmbeddedKafka.producer(kafka.getBootstrapServers());
             CdcStream cdc = CdcStream.start(REGION, mariadb.getHost(), mariadb.getMappedPort(3306),
                     work.resolve("cdc"), producer);
             ApiNode api = ApiNode.start(env, work.resolve("api"), 0, 20L << 20, () -> true);
             HikariDataSource pool = Databases.pool(env.dbUrl(), REGION.database(), "root", "", 2)) {
            ApiClient client = new ApiClient("http://localhost:" + api.port());
            String token = client.token("k3s-user", REGION.code());
            SampleDocuments.Doc doc = SampleDocuments.docx();
            String id = client.uploadOk(token, doc.name(), doc.bytes());

            JsonNode status = client.awaitTerminal(token, id, Duration.ofMinutes(8));
            assertThat(status.get("status").asText()).as("final status: %s", status).isEqualTo("converted");
            HttpResponse<byte[]> pdf = client.pdf(token, id);
            assertThat(pdf.statusCode()).isEqualTo(200);
            try (PDDocument d = Loader.loadPDF(pdf.body())) {
                assertThat(new PDFTextStripper().getText(d).replaceAll("\\s+", " ")).contains(doc.sentence());
            }

            // The row: converted once, by the first attempt.
            FileRecord row = new FileRepository(REGION, pool).find(id).orElseThrow();
            assertThat(row.status()).isEqualTo(FileStatus.CONVERTED);
            assertThat(row.attempts()).isEqualTo(1);

            // One FileConversion for the upload, finished, with its timings (its status may trail the row briefly).
            await().atMost(Duration.ofMinutes(1)).untilAsserted(() -> assertThat(kube.resources(FileConversion.class)
                    .inNamespace(NS).withLabel(Labels.FILE_ID, id).list().getItems()).singleElement().satisfies(c -> {
                        assertThat(c.getStatus().getPhase()).isEqualTo(FileConversionPhase.Succeeded);
                        assertThat(c.getStatus().getStartTime()).isNotBlank();
                        assertThat(c.getStatus().getFinishTime()).isNotBlank();
                        assertThat(c.getStatus().getDurationMillis()).isPositive();
                    }));
            FileConversion fc = kube.resources(FileConversion.class).inNamespace(NS).withLabel(Labels.FILE_ID, id)
                    .list().getItems().get(0);

            // Its Job ran the converter as the chart and reconciler configure it, and its pod really ran non-root.
            Job job = kube.batch().v1().jobs().inNamespace(NS).withName(fc.getStatus().getJobName()).get();
            assertThat(job.getMetadata().getOwnerReferences()).singleElement()
                    .satisfies(o -> assertThat(o.getUid()).isEqualTo(fc.getMetadata().getUid()));
            assertThat(job.getSpec().getBackoffLimit()).isZero();
            assertThat(job.getStatus().getSucceeded()).isEqualTo(1);
            var container = job.getSpec().getTemplate().getSpec().getContainers().get(0);
            assertThat(container.getImage()).isEqualTo("docker.io/fileconv/converter:" + TAG);
            assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
            assertThat(container.getSecurityContext().getCapabilities().getDrop()).contains("ALL");
            Pod pod = kube.pods().inNamespace(NS).withLabel(Labels.JOB_NAME, job.getMetadata().getName()).list()
                    .getItems().get(0);
            assertThat(pod.getStatus().getContainerStatuses().get(0).getState().getTerminated().getExitCode())
                    .isZero();

            // `kubectl get fileconversions` shows the columns operators look at.
            ExecResult table = k3s.execInContainer("kubectl", "get", "fileconversions", "-n", NS);
            assertThat(table.getStdout().lines().findFirst().orElse(""))
                    .containsSubsequence("FILE", "USER", "REGION", "PHASE", "DURATION", "AGE");
            assertThat(table.getStdout()).contains(fc.getMetadata().getName()).contains("Succeeded");

            // Two operator replicas, one Lease holder among them.
            List<String> operatorPods = kube.pods().inNamespace(NS).withLabel(Labels.NAME, Labels.OPERATOR).list()
                    .getItems().stream().map(p -> p.getMetadata().getName()).toList();
            assertThat(operatorPods).hasSize(2);
            Lease lease = kube.leases().inNamespace(NS).withName(OperatorSettings.LEASE_NAME).get();
            assertThat(lease.getSpec().getHolderIdentity()).isIn(operatorPods);

            moveTheUser(kube, k3s, client, token, id, pool);
        }
    }

    /**
     * A RegionMigration applied to the cluster moves the user to the UK: the operator (its Role, the CRD's status
     * subresource, S3 copies between buckets, the directory) runs it to Completed, and the API then serves the same
     * file from the UK while nothing of it is left in India.
     */
    private static void moveTheUser(KubernetesClient kube, K3sContainer k3s, ApiClient client, String token,
                                    String id, HikariDataSource sourcePool) throws Exception {
        // The UK as another cell: the platform team gives its database and bucket for this move only.
        kube.secrets().inNamespace(NS).resource(new SecretBuilder().withNewMetadata()
                .withName(MigrationTargetSecrets.secretName(TARGET)).endMetadata()
                .addToStringData("url", "jdbc:mysql://mariadb:3306/").addToStringData("username", "root")
                .addToStringData("password", "").addToStringData("bucket", TARGET.defaultBucket()).build()).create();
        RegionMigration rm = new RegionMigration();
        rm.getMetadata().setName("move-k3s-user");
        RegionMigrationSpec spec = new RegionMigrationSpec();
        spec.setUserId("k3s-user");
        spec.setFrom(REGION.code());
        spec.setTo(TARGET.code());
        rm.setSpec(spec);
        kube.resources(RegionMigration.class).inNamespace(NS).resource(rm).create();
        // Two grace periods (5 s in the test release) plus the copies.
        RegionMigrationStatus done = await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofSeconds(2))
                .until(() -> {
                    RegionMigration now = kube.resources(RegionMigration.class).inNamespace(NS)
                            .withName("move-k3s-user").get();
                    return now == null ? null : now.getStatus();
                }, st -> st != null && st.getPhase() != null && st.getPhase().isTerminal());
        assertThat(done.getPhase()).as(done.getMessage()).isEqualTo(MigrationPhase.Completed);
        assertThat(done.getFilesVerified()).isEqualTo(1);
        assertThat(k3s.execInContainer("kubectl", "get", "rmig", "-n", NS).getStdout()).contains("Completed");

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(client.status(token, id).get("region").asText()).isEqualTo(TARGET.code()));
        assertThat(client.pdf(token, id).statusCode()).isEqualTo(200);
        assertThat(new FileRepository(REGION, sourcePool).find(id)).isEmpty();
    }

    /**
     * The chart's NetworkPolicy on a CNI that enforces it (k3s' kube-router): a pod with the converter's labels
     * reaches S3 and nothing else, while the same probe without those labels reaches the database (so the closed
     * port is the policy, not the network).
     */
    private static void converterNetworkIsLimitedToS3(KubernetesClient kube, String converterImage) {
        String confined = probe(kube, "probe-converter", converterImage, probeScript(true),
                Map.of(Labels.NAME, Labels.CONVERTER));
        String free = probe(kube, "probe-other", converterImage, probeScript(false),
                Map.of(Labels.NAME, "fileconv-probe"));
        assertThat(confined).contains("s3:" + S3_PORT + " open").contains("mariadb:3306 closed");
        assertThat(free).contains("mariadb:3306 open");
    }

    /**
     * Prints "host:port open|closed" for S3 and the database. A policy reaches a new pod asynchronously, so the
     * confined probe first waits (up to a minute) for the database to close before it reports.
     */
    private static String probeScript(boolean awaitPolicy) {
        String check = "timeout 3 bash -c \"</dev/tcp/$1/$2\" 2>/dev/null";
        String wait = awaitPolicy
                ? "for i in $(seq 1 30); do if ! reach mariadb 3306; then break; fi; sleep 2; done; " : "";
        return "reach() { " + check + "; }; " + wait
                + "for t in s3:" + S3_PORT + " mariadb:3306; do "
                + "if reach ${t%:*} ${t#*:}; then echo \"$t open\"; else echo \"$t closed\"; fi; done";
    }

    /** The CEL rule of the CRD, enforced by the real API server: a PDF may not leave its region's bucket. */
    private static void crdRulesAreEnforced(KubernetesClient kube) {
        String fileId = Ids.newId();
        FileConversion bad = KubernetesLauncher.toResource(new ConversionRequest(fileId, "someone", REGION,
                REGION.defaultBucket(), S3Keys.input("someone", fileId), S3Keys.output("someone", fileId), 1,
                "application/pdf", "req-cel"));
        bad.getSpec().getOutput().setBucket("elsewhere");
        assertThatThrownBy(() -> kube.resources(FileConversion.class).inNamespace(NS).resource(bad).create())
                .isInstanceOf(KubernetesClientException.class)
                .hasMessageContaining("input's bucket");
    }

    private static String probe(KubernetesClient kube, String name, String image, String script,
                                Map<String, String> labels) {
        Pod pod = new PodBuilder().withNewMetadata().withName(name).withLabels(labels).endMetadata()
                .withNewSpec().withRestartPolicy("Never")
                .addNewContainer().withName("probe").withImage("docker.io/" + image).withImagePullPolicy("Never")
                .withCommand("bash", "-c", script).endContainer()
                .endSpec().build();
        kube.pods().inNamespace(NS).resource(pod).create();
        kube.pods().inNamespace(NS).withName(name).waitUntilCondition(p -> p != null && p.getStatus() != null
                && ("Succeeded".equals(p.getStatus().getPhase()) || "Failed".equals(p.getStatus().getPhase())),
                3, TimeUnit.MINUTES);
        return kube.pods().inNamespace(NS).withName(name).getLog();
    }

    /** S3Proxy (in-memory store) from this build's runtime classpath on the operator image's JRE. */
    private static GenericContainer<?> s3Proxy(Network network) {
        String properties = String.join("\n",
                "s3proxy.endpoint=http://0.0.0.0:" + S3_PORT,
                "s3proxy.authorization=aws-v2-or-v4",
                "s3proxy.identity=" + S3_ACCESS_KEY,
                "s3proxy.credential=" + S3_SECRET_KEY,
                "jclouds.provider=transient",
                "jclouds.identity=unused",
                "jclouds.credential=unused") + "\n";
        return new GenericContainer<>(JRE).withNetwork(network).withExposedPorts(S3_PORT)
                .withCopyFileToContainer(MountableFile.forHostPath(Path.of("target", "lib").toAbsolutePath()),
                        "/opt/s3proxy/lib")
                .withCopyToContainer(Transferable.of(properties), "/opt/s3proxy/s3proxy.properties")
                .withCommand("java", "-cp", "/opt/s3proxy/lib/*", "org.gaul.s3proxy.Main",
                        "--properties", "/opt/s3proxy/s3proxy.properties")
                // Unauthenticated requests are refused once the server is up.
                .waitingFor(Wait.forHttp("/").forPort(S3_PORT).forStatusCode(403)
                        .withStartupTimeout(Duration.ofMinutes(2)));
    }

    /** Schemas and migrations (as ApiMain runs them), the region's bucket, and the change-event topic. */
    private static void prepareInfrastructure(Env env, String jdbcBase) throws Exception {
        try (Connection c = DriverManager.getConnection(jdbcBase, "root", "");
             Statement st = c.createStatement()) {
            for (String db : List.of(REGION.database(), TARGET.database(), "fileconv_directory")) {
                st.execute("CREATE DATABASE IF NOT EXISTS `" + db + "` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin");
            }
        }
        try (HikariDataSource ds = Databases.pool(jdbcBase, "fileconv_directory", "root", "", 2)) {
            Databases.migrateDirectory(ds);
        }
        for (Region r : List.of(REGION, TARGET)) {
            try (HikariDataSource ds = Databases.pool(jdbcBase, r.database(), "root", "", 2)) {
                Databases.migrateRegion(ds);
            }
        }
        try (ObjectStore store = new ObjectStore(env.objectStore())) {
            store.ensureBucket(env.bucket(REGION));
            store.ensureBucket(env.bucket(TARGET));
        }
        Properties admin = new Properties();
        admin.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, env.kafkaBootstrap());
        try (Admin a = Admin.create(admin)) {
            a.createTopics(List.of(new NewTopic(REGION.filesTopic(), 3, (short) 1),
                    new NewTopic(TARGET.filesTopic(), 3, (short) 1))).all().get(1, TimeUnit.MINUTES);
        }
    }

    /** A Service without selector whose only endpoint is a container on the Docker network. */
    private static void externalService(KubernetesClient kube, String name, String address, int port) {
        kube.services().inNamespace(NS).resource(new ServiceBuilder().withNewMetadata().withName(name).endMetadata()
                .withNewSpec().addNewPort().withName("tcp").withProtocol("TCP").withPort(port)
                .withTargetPort(new IntOrString(port)).endPort().endSpec().build()).create();
        kube.discovery().v1().endpointSlices().inNamespace(NS).resource(new EndpointSliceBuilder()
                .withNewMetadata().withName(name + "-container")
                .addToLabels("kubernetes.io/service-name", name)
                .addToLabels("endpointslice.kubernetes.io/managed-by", "k3s-cluster-it")
                .endMetadata()
                .withAddressType("IPv4")
                .addNewEndpoint().withAddresses(address).endEndpoint()
                .addNewPort().withName("tcp").withProtocol("TCP").withPort(port).endPort()
                .build()).create();
    }

    private static String ip(ContainerState container, Network network) {
        return container.getContainerInfo().getNetworkSettings().getNetworks().values().stream()
                .filter(n -> network.getId().equals(n.getNetworkID()))
                .map(n -> n.getIpAddress()).findFirst()
                .orElseThrow(() -> new IllegalStateException(container.getContainerId() + " is not on the network"));
    }

    /** What someone needs to see when the cluster path fails: resources, events and the pods' logs. */
    private static String diagnostics(KubernetesClient kube) {
        StringBuilder out = new StringBuilder("---- k3s diagnostics ----\n");
        try {
            kube.resources(FileConversion.class).inNamespace(NS).list().getItems().forEach(fc -> out
                    .append("FileConversion ").append(fc.getMetadata().getName()).append(": ")
                    .append(fc.getStatus() == null ? "no status" : fc.getStatus().getPhase() + " "
                            + fc.getStatus().getMessage()).append('\n'));
            kube.v1().events().inNamespace(NS).list().getItems().forEach(e -> out.append("event ")
                    .append(e.getInvolvedObject().getName()).append(' ').append(e.getReason()).append(": ")
                    .append(e.getMessage()).append('\n'));
            for (Pod p : kube.pods().inNamespace(NS).list().getItems()) {
                out.append("---- pod ").append(p.getMetadata().getName()).append(' ')
                        .append(p.getStatus().getPhase()).append('\n');
                try {
                    out.append(kube.pods().inNamespace(NS).withName(p.getMetadata().getName()).tailingLines(80)
                            .getLog()).append('\n');
                } catch (KubernetesClientException e) {
                    out.append("(no log: ").append(e.getMessage()).append(")\n");
                }
            }
        } catch (RuntimeException e) {
            out.append("(diagnostics failed: ").append(e).append(")\n");
        }
        return out.toString();
    }
}
