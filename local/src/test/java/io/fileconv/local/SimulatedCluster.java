package io.fileconv.local;

import com.zaxxer.hikari.HikariDataSource;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.authorization.v1.ResourceRule;
import io.fabric8.kubernetes.api.model.authorization.v1.ResourceRuleBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReviewBuilder;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fileconv.core.Databases;
import io.fileconv.core.FileRecord;
import io.fileconv.core.FileRepository;
import io.fileconv.core.FileStatus;
import io.fileconv.core.ObjectStore;
import io.fileconv.core.Region;
import io.fileconv.embedded.FreePorts;
import io.fileconv.operator.k8s.Labels;
import io.fileconv.operator.k8s.crd.FileConversion;
import io.fileconv.testkit.ApiClient;
import io.fileconv.testkit.MockCluster;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A cluster on this machine, for the Kubernetes path's tests and benchmark: the embedded stack's real MariaDB, Kafka,
 * Debezium and S3 and the API for uploads; fabric8's mock API server with the project's CRDs; operator replicas run
 * as the packaged operator jar with the image's entry point and exactly the environment the Helm chart gives its
 * Deployment (leader election included); converter Jobs run by {@link ProcessKubelet} as processes of the converter
 * image's entry point; the work Service routed to the labelled leader by {@link WorkServiceProxy}.
 */
final class SimulatedCluster implements AutoCloseable {
    static final String NS = ReleaseValues.NAMESPACE;
    static final Region REGION = Region.IN;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    final Path dir;
    final boolean pooled;
    final EmbeddedInfra infra;
    final ApiNode api;
    final KubernetesMockServer server;
    final KubernetesClient kube;
    final HikariDataSource db;
    final ObjectStore store;
    final ApiClient client;
    final FileRepository files;
    private final Path repo;
    private final Map<String, String> operatorEnv;
    private final Map<String, Process> operators = new ConcurrentHashMap<>();
    private final Map<String, Integer> healthPorts = new ConcurrentHashMap<>();
    private final Map<String, Integer> workPorts = new ConcurrentHashMap<>();
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private WorkServiceProxy proxy;
    private ProcessKubelet kubelet;

    private SimulatedCluster(Path dir, String mode, int maxJobs, int minJobs, int idleSeconds) throws Exception {
        this.dir = dir;
        this.pooled = mode.equals("pool");
        this.repo = ReleaseValues.repoRoot();
        this.server = MockCluster.start(); // CRUD plus the canned RBAC answer set below
        try {
            infra = push(EmbeddedInfra.start(dir.resolve("infra")));
            api = push(ApiNode.start(Endpoints.readEnv(infra.dataDir()), dir.resolve("api"), 0, 20L << 20, () -> true));
            kube = push(server.createClient());
            db = push(Databases.pool(infra.jdbcBase(), REGION.database(), "root", "", 4));
            store = push(new ObjectStore(infra.objectStoreConfig()));
            files = new FileRepository(REGION, db);
            client = new ApiClient("http://localhost:" + api.port());
            MockCluster.installCrds(kube, repo);
            Endpoints endpoints = infra.endpoints();
            ReleaseValues.createSecrets(kube, endpoints.s3AccessKey(), endpoints.s3SecretKey());
            // Without the embedded stack's ?sslMode=DISABLED: the chart's values schema takes a URL ending in '/'.
            String jdbcUrl = infra.jdbcBase().substring(0, infra.jdbcBase().indexOf('?'));
            ReleaseValues values = new ReleaseValues("simulated", jdbcUrl, infra.kafkaBootstrap(),
                    endpoints.s3Endpoint().toString(), "127.0.0.1/32", endpoints.s3Endpoint().getPort())
                    .withConverterMode(mode).withMaxJobs(maxJobs).withWarmJobs(minJobs, idleSeconds);
            List<HasMetadata> release = values.render(dir);
            answerRbacSelfCheckWithTheChartsRole(server, release);
            operatorEnv = operatorEnvironment(release, kube);
            operatorEnv.put("KUBECONFIG", kubeconfig(dir, kube).toString()); // in a pod: the service account
            if (pooled) {
                proxy = push(new WorkServiceProxy(kube, NS, workPorts));
            }
        } catch (Exception | Error e) {
            close();
            throw e;
        }
    }

    /** @param mode pool or perFile (converter.mode); @param maxJobs converter.maxJobs */
    static SimulatedCluster start(Path dir, String mode, int maxJobs) throws Exception {
        return start(dir, mode, maxJobs, 0, 5);
    }

    /** @param minJobs converter.minJobs; @param idleSeconds converter.idleSeconds */
    static SimulatedCluster start(Path dir, String mode, int maxJobs, int minJobs, int idleSeconds) throws Exception {
        EmbeddedStack.deleteTree(dir);
        return new SimulatedCluster(dir, mode, maxJobs, minJobs, idleSeconds);
    }

    private <T extends AutoCloseable> T push(T c) {
        closeables.add(c);
        return c;
    }

    /** The environment the chart gives the operator's containers (resolved), before the pod's own settings. */
    Map<String, String> operatorEnvironment() {
        return Map.copyOf(operatorEnv);
    }

    /** Sets an operator environment variable for the replicas started after this call. */
    void setOperatorEnv(String name, String value) {
        operatorEnv.put(name, value);
    }

    /** The operator replicas' processes, by pod name. */
    Map<String, Process> operators() {
        return Map.copyOf(operators);
    }

    /** Starts operator replica {@code pod} (e.g. fileconv-operator-0) and waits until it is ready. */
    Process startOperator(String pod) throws Exception {
        Map<String, String> env = new LinkedHashMap<>(operatorEnv);
        env.put("HOSTNAME", pod); // set by Kubernetes: the leader-election identity
        int health = FreePorts.take();
        env.put("FILECONV_PORT", Integer.toString(health)); // a pod has its own network namespace
        healthPorts.put(pod, health);
        if (pooled) {
            int work = FreePorts.take();
            env.put("FILECONV_WORK_PORT", Integer.toString(work));
            workPorts.put(pod, work);
            if (kube.pods().inNamespace(NS).withName(pod).get() == null) {
                kube.pods().inNamespace(NS).resource(new PodBuilder().withNewMetadata().withName(pod)
                        .addToLabels(Labels.NAME, Labels.OPERATOR).endMetadata().build()).create();
            }
        }
        Process p = ImageCommand.of(repo, "operator").process(env, List.of()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve(pod + ".log").toFile())).start();
        operators.put(pod, p);
        return p;
    }

    /** Whether replica {@code pod} answers /readyz with 200 (the leader; a standby is not ready in pool mode). */
    boolean ready(String pod) {
        Integer port = healthPorts.get(pod);
        return port != null && status(port, "/readyz") == 200;
    }

    /** SIGKILL to an operator replica (a node lost, an OOM kill). */
    void killOperator(String pod) throws InterruptedException {
        Process p = operators.remove(pod);
        if (p != null) {
            p.destroyForcibly().waitFor();
        }
    }

    /** Starts the kubelet that runs converter Jobs' pods (at most {@code capacity} at once: the nodes' room). */
    ProcessKubelet startKubelet(int capacity) throws IOException {
        Map<String, String> routes = pooled ? Map.of(operatorEnv.get("FILECONV_WORK_SERVICE_URL"),
                "http://127.0.0.1:" + proxy.port()) : Map.of();
        kubelet = new ProcessKubelet(kube, NS, ImageCommand.of(repo, "converter-image"), dir.resolve("pods"), routes,
                capacity);
        kubelet.start();
        return kubelet;
    }

    ProcessKubelet kubelet() {
        return kubelet;
    }

    String metrics(String pod) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + healthPorts.get(pod) + "/metrics"))
                .build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    /** How many of {@code ids} have a terminal row. */
    static long terminal(FileRepository files, List<String> ids) throws Exception {
        long n = 0;
        for (String id : ids) {
            if (files.find(id).map(FileRecord::status).map(FileStatus::isTerminal).orElse(false)) {
                n++;
            }
        }
        return n;
    }

    /** The file's FileConversion; null while the dispatcher has not created it. */
    FileConversion conversion(String fileId) {
        return kube.resources(FileConversion.class).inNamespace(NS).withLabel(Labels.FILE_ID, fileId).list()
                .getItems().stream().findFirst().orElse(null);
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

    static int status(int port, String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    /** Operators get SIGTERM first, as Kubernetes stops a pod; then everything else in reverse order. */
    @Override
    public void close() throws Exception {
        if (kubelet != null) {
            kubelet.close();
        }
        for (Process p : operators.values()) {
            p.destroy();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
        for (int i = closeables.size() - 1; i >= 0; i--) {
            try {
                closeables.get(i).close();
            } catch (Exception e) {
                System.out.println("stopping " + closeables.get(i).getClass().getSimpleName() + " failed: " + e);
            }
        }
        MockCluster.stop(server);
    }
}
