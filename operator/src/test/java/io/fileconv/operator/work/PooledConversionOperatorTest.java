package io.fileconv.operator.work;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.authorization.v1.ResourceRuleBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReviewBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.PodFailurePolicyRule;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fileconv.core.ConversionRequest;
import io.fileconv.core.FailureClass;
import io.fileconv.core.FileRecord;
import io.fileconv.core.FileStatus;
import io.fileconv.core.Ids;
import io.fileconv.core.ObjectStoreConfig;
import io.fileconv.core.Region;
import io.fileconv.core.S3Keys;
import io.fileconv.core.metrics.FileconvMetrics;
import io.fileconv.core.work.PresignedLinks;
import io.fileconv.operator.k8s.FileconvOperator;
import io.fileconv.operator.k8s.KubernetesLauncher;
import io.fileconv.operator.k8s.OperatorSettings;
import io.fileconv.operator.k8s.OperatorTestSupport;
import io.fileconv.operator.k8s.crd.FileConversion;
import io.fileconv.operator.k8s.crd.FileConversionPhase;
import io.fileconv.operator.k8s.reconciler.InMemoryStatusSink;
import io.fileconv.pipeline.status.ConversionAttempt;
import io.fileconv.pipeline.work.FileLookup;
import io.fileconv.pipeline.work.PoolSettings;
import io.fileconv.pipeline.work.PooledWork;
import io.fileconv.pipeline.work.WorkQueue;
import io.fileconv.testkit.MockClusterExtension;
import io.fileconv.testkit.WorkProtocolClient;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static io.fileconv.operator.k8s.OperatorTestSupport.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Pooled mode (the default) against fabric8's mock API server: FileConversions wait in the operator's queue, a
 * bounded pool of converter Jobs with per-Job tokens serves them, and a test worker speaks the HTTP protocol as a
 * converter pod would. The rows are {@link InMemoryStatusSink} (MySQL's state machine in memory); the real MariaDB
 * and S3Proxy variant is local's PooledConversionIT.
 */
@ExtendWith(MockClusterExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PooledConversionOperatorTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    KubernetesClient client;
    KubernetesMockServer server;

    private final InMemoryStatusSink sink = new InMemoryStatusSink();
    private final Map<String, ConversionRequest> requests = new ConcurrentHashMap<>();
    private final List<FileconvOperator> operators = new ArrayList<>();
    private WorkProtocolClient worker;
    private PrometheusMeterRegistry metrics;

    private static PoolSettings pool(int maxJobs, Duration lease, int maxLosses) {
        return new PoolSettings(0, "http://fileconv-operator-work:8081", lease, 0, maxJobs, Duration.ofSeconds(60),
                maxLosses, 10L << 20, Duration.ofHours(1), "/work", "2Gi", "256Mi", 2);
    }

    private FileconvOperator start(PoolSettings pool) {
        return start(pool, null);
    }

    private FileconvOperator start(PoolSettings pool, OperatorSettings.LeaderElection leaderElection) {
        OperatorSettings settings = new OperatorSettings(NAMESPACE, Duration.ofHours(1), leaderElection,
                OperatorTestSupport.jobSettings(), pool);
        // Rows as the files table would hold them: the owner and size from the request, the status from the sink.
        FileLookup rows = (region, fileId) -> requests.values().stream().filter(r -> r.fileId().equals(fileId))
                .findFirst().map(r -> row(r, sink.status(new ConversionAttempt(r.region(), fileId, r.attempt()))));
        PresignedLinks links = new PresignedLinks(new ObjectStoreConfig(URI.create("http://s3.test:9000"),
                "us-east-1", "operator-key", "operator-secret", true));
        PooledWork work = new PooledWork(new WorkQueue(pool, Clock.systemUTC()), sink, links, Region::defaultBucket, pool,
                Duration.ofSeconds(120), Clock.systemUTC());
        metrics = FileconvMetrics.create("test");
        work.withMetrics(metrics, Set.of(Region.IN, Region.UK));
        FileconvOperator operator = new FileconvOperator(client, settings, sink, null,
                new FileconvOperator.Pooled(work, new JobTokens(client, NAMESPACE, Clock.systemUTC()), rows, Set.of(Region.IN, Region.UK)), () -> { });
        operator.start();
        operators.add(operator);
        worker = new WorkProtocolClient("http://127.0.0.1:" + operator.workPort());
        return operator;
    }

    @AfterEach
    void stop() {
        operators.forEach(FileconvOperator::close);
    }

    private static FileRecord row(ConversionRequest r, FileStatus status) {
        Instant now = Instant.now();
        return new FileRecord(r.fileId(), r.userId(), r.region(), "doc.docx", r.detectedType(), 1234, "00",
                r.inputKey(), r.outputKey(), status, null, null, r.attempt(), r.requestId(), now, now, now, null, null);
    }

    private String launch(String user, Region region) {
        ConversionRequest r = request(user, region);
        new KubernetesLauncher(client, NAMESPACE).launch(r);
        return FileConversion.nameOf(r);
    }

    /** A new file's first attempt, whose row the tests' lookup answers (QUEUED unless the sink says otherwise). */
    private ConversionRequest request(String user, Region region) {
        String fileId = Ids.newId();
        ConversionRequest r = new ConversionRequest(fileId, user, region, region.defaultBucket(),
                S3Keys.input(user, fileId), S3Keys.output(user, fileId), 1, "text/plain", "req-" + fileId.substring(0, 8));
        requests.put(FileConversion.nameOf(r), r);
        return r;
    }

    private ConversionAttempt attempt(String name) {
        ConversionRequest r = requests.get(name);
        return new ConversionAttempt(r.region(), r.fileId(), r.attempt());
    }

    private FileConversion awaitPhase(String name, FileConversionPhase phase) {
        await().atMost(WAIT).until(() -> {
            FileConversion fc = OperatorTestSupport.conversion(client, name);
            return fc != null && fc.getStatus() != null && fc.getStatus().getPhase() == phase;
        });
        return OperatorTestSupport.conversion(client, name);
    }

    private List<Job> poolJobs() {
        return client.batch().v1().jobs().inNamespace(NAMESPACE).withLabel("fileconv.io/pool", "true").list()
                .getItems();
    }

    /** Some Job's token, once the pool has created one. */
    private Map.Entry<String, String> aJobToken() {
        await().atMost(WAIT).until(() -> !WorkProtocolClient.tokensByJob(client, NAMESPACE).isEmpty());
        return WorkProtocolClient.tokensByJob(client, NAMESPACE).entrySet().iterator().next();
    }

    private String nameOf(JsonNode item) {
        return "fc-" + item.get("fileId").asText() + "-" + item.get("attempt").asInt();
    }

    @Test
    void aBurstGetsAtMostMaxJobsEachLockedDownWithItsOwnTokenAndNoCredentials() {
        start(pool(3, Duration.ofSeconds(30), 3));
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            names.add(launch("alice", Region.IN));
        }
        await().atMost(WAIT).until(() -> poolJobs().size() == 3);
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(poolJobs()).as("never more than maxJobs alive").hasSize(3));
        for (String name : names) {
            FileConversion fc = awaitPhase(name, FileConversionPhase.Pending);
            assertThat(fc.getStatus().getMessage()).isEqualTo("waiting for a converter");
        }
        assertThat(client.batch().v1().jobs().inNamespace(NAMESPACE).list().getItems())
                .as("no per-file Job in pooled mode").hasSize(3);
        assertThat(metrics.scrape()).contains("fileconv_work_waiting{app=\"test\",region=\"in\"} 12.0",
                "fileconv_work_leased{app=\"test\",region=\"in\"} 0.0",
                "fileconv_converter_jobs{app=\"test\",region=\"in\"} 3.0",
                "fileconv_work_waiting{app=\"test\",region=\"uk\"} 0.0",
                "fileconv_work_oldest_waiting_seconds{app=\"test\",region=\"uk\"} 0.0");
        assertThat(metrics.get("fileconv.work.oldest.waiting.seconds").tag("region", "in").gauge().value())
                .as("the burst has been waiting").isPositive();

        Map<String, Secret> secrets = client.secrets().inNamespace(NAMESPACE).withLabel("fileconv.io/pool", "true")
                .list().getItems().stream().collect(Collectors.toMap(s -> s.getMetadata().getName(), s -> s));
        assertThat(secrets).hasSize(3);
        Set<String> tokens = new HashSet<>(WorkProtocolClient.tokensByJob(client, NAMESPACE).values());
        assertThat(tokens).as("one distinct token per Job").hasSize(3);
        for (Job job : poolJobs()) {
            assertThat(job.getMetadata().getLabels()).containsEntry("app.kubernetes.io/name", "fileconv-converter")
                    .containsEntry("fileconv.io/region", "in").containsEntry("fileconv.io/pool", "true");
            assertThat(job.getSpec().getTemplate().getMetadata().getLabels())
                    .containsEntry("app.kubernetes.io/name", "fileconv-converter");
            assertThat(job.getSpec().getBackoffLimit()).isEqualTo(2);
            assertThat(job.getSpec().getActiveDeadlineSeconds()).isEqualTo(3600L);
            assertThat(job.getSpec().getTtlSecondsAfterFinished()).isEqualTo(3600);
            PodFailurePolicyRule rule = job.getSpec().getPodFailurePolicy().getRules().get(0);
            assertThat(rule.getAction()).isEqualTo("Ignore");
            assertThat(rule.getOnPodConditions()).singleElement().satisfies(c -> {
                assertThat(c.getType()).isEqualTo("DisruptionTarget");
                assertThat(c.getStatus()).isEqualTo("True");
            });

            PodSpec pod = job.getSpec().getTemplate().getSpec();
            assertThat(pod.getRestartPolicy()).as("podFailurePolicy needs Never").isEqualTo("Never");
            assertThat(pod.getAutomountServiceAccountToken()).isFalse();
            assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
            assertThat(pod.getVolumes()).hasSize(3).allSatisfy(v ->
                    assertThat(v.getEmptyDir().getSizeLimit().toString()).isEqualTo("2Gi"));
            Container c = pod.getContainers().get(0);
            assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
            assertThat(c.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
            assertThat(c.getResources().getLimits().get("ephemeral-storage").toString()).isEqualTo("2Gi");
            assertThat(c.getResources().getRequests().get("ephemeral-storage").toString()).isEqualTo("256Mi");
            assertThat(c.getResources().getLimits().get("memory").toString()).isEqualTo("1536Mi");
            assertThat(c.getVolumeMounts()).extracting(m -> m.getMountPath())
                    .containsExactlyInAnyOrder("/tmp", "/home/converter", "/work");

            Map<String, EnvVar> env = c.getEnv().stream().collect(Collectors.toMap(EnvVar::getName, e -> e));
            assertThat(env.keySet()).as("no storage, database or Kubernetes settings in a pooled pod")
                    .noneMatch(n -> n.contains("S3") || n.contains("DB") || n.contains("KAFKA")
                            || n.contains("ACCESS") || n.contains("PASSWORD") || n.contains("BUCKET")
                            || n.contains("KEY"));
            assertThat(env.get("FILECONV_WORK_URL").getValue()).isEqualTo("http://fileconv-operator-work:8081");
            assertThat(env.get("FILECONV_IDLE_SECONDS").getValue()).isEqualTo("60");
            assertThat(env.get("FILECONV_TIMEOUT_SECONDS").getValue()).isEqualTo("120");
            assertThat(env.get("FILECONV_WORK_DIR").getValue()).isEqualTo("/work");
            String secretName = env.get("FILECONV_WORK_TOKEN").getValueFrom().getSecretKeyRef().getName();
            assertThat(env.get("FILECONV_WORK_TOKEN").getValueFrom().getSecretKeyRef().getKey()).isEqualTo("token");
            Secret secret = secrets.get(secretName);
            assertThat(secret).as("the Job's own token Secret").isNotNull();
            assertThat(secret.getMetadata().getOwnerReferences()).singleElement().satisfies(o -> {
                assertThat(o.getKind()).isEqualTo("Job");
                assertThat(o.getName()).isEqualTo(job.getMetadata().getName());
                assertThat(o.getUid()).isEqualTo(job.getMetadata().getUid());
            });
        }
    }

    @Test
    void aWorkerWithItsJobsTokenClaimsConvertsAndReportsAndTheResourceNamesThePod() throws Exception {
        start(pool(2, Duration.ofSeconds(30), 3));
        String name = launch("alice", Region.IN);
        awaitPhase(name, FileConversionPhase.Pending);
        Map.Entry<String, String> job = aJobToken();

        assertThat(worker.claim("not-a-token", "pod-x", 0).status()).isEqualTo(401);
        assertThat(worker.claim(null, "pod-x", 0).status()).isEqualTo(401);

        WorkProtocolClient.Answer claim = worker.claim(job.getValue(), "conv-pod-1", 5);
        assertThat(claim.status()).isEqualTo(200);
        JsonNode item = claim.body();
        ConversionRequest r = requests.get(name);
        assertThat(item.get("fileId").asText()).isEqualTo(r.fileId());
        assertThat(item.get("attempt").asInt()).isEqualTo(1);
        assertThat(item.get("detectedType").asText()).isEqualTo("text/plain");
        assertThat(item.get("timeoutSeconds").asInt()).isEqualTo(120);
        assertThat(item.get("leaseSeconds").asInt()).isEqualTo(30);
        assertThat(item.get("sourceUrl").asText()).startsWith("http://s3.test:9000/fileconv-in/" + r.inputKey())
                .contains("X-Amz-Signature=").doesNotContain("operator-secret");
        assertThat(item.get("targetUrl").asText()).startsWith("http://s3.test:9000/fileconv-in/" + r.outputKey())
                .contains("X-Amz-Signature=");
        String leaseId = item.get("leaseId").asText();
        assertThat(sink.status(attempt(name))).isEqualTo(FileStatus.CONVERTING);

        FileConversion running = awaitPhase(name, FileConversionPhase.Running);
        assertThat(running.getStatus().getJobName()).isEqualTo(job.getKey());
        assertThat(running.getStatus().getPodName()).isEqualTo("conv-pod-1");
        assertThat(running.getStatus().getLeaseId()).isEqualTo(leaseId);

        assertThat(worker.heartbeat(job.getValue(), "conv-pod-1", leaseId)).isEqualTo(204);
        assertThat(worker.heartbeat("not-a-token", "conv-pod-1", leaseId)).isEqualTo(401);
        assertThat(worker.outcome(job.getValue(), "conv-pod-1", leaseId, true, null, null, 420)).isEqualTo(204);
        assertThat(sink.status(attempt(name))).isEqualTo(FileStatus.CONVERTED);
        assertThat(worker.outcome(job.getValue(), "conv-pod-1", leaseId, true, null, null, 420))
                .as("a second report of the same lease").isEqualTo(410);
        assertThat(worker.heartbeat(job.getValue(), "conv-pod-1", leaseId)).isEqualTo(410);

        FileConversion done = awaitPhase(name, FileConversionPhase.Succeeded);
        assertThat(done.getStatus().getJobName()).isEqualTo(job.getKey());
        assertThat(done.getStatus().getPodName()).isEqualTo("conv-pod-1");
        assertThat(done.getStatus().getLeaseId()).isNull();
        assertThat(worker.claim(job.getValue(), "conv-pod-1", 0).status()).as("nothing left").isEqualTo(204);
    }

    @Test
    void aFailureReportEndsTheFileFailedWithItsClass() throws Exception {
        start(pool(1, Duration.ofSeconds(30), 3));
        String name = launch("alice", Region.UK);
        Map.Entry<String, String> job = aJobToken();
        JsonNode item = worker.claim(job.getValue(), "p", 5).body();
        assertThat(worker.outcome(job.getValue(), "p", item.get("leaseId").asText(), false, "TIMEOUT",
                "longer than 120 s", 120_000)).isEqualTo(204);
        FileConversion failed = awaitPhase(name, FileConversionPhase.Failed);
        assertThat(failed.getStatus().getFailureClass()).isEqualTo("TIMEOUT");
        assertThat(failed.getStatus().getMessage()).contains("longer than 120 s");
        assertThat(sink.changes()).extracting(InMemoryStatusSink.Change::failureClass).contains(FailureClass.TIMEOUT);
    }

    @Test
    void aLeaseNotRenewedIsHandedOutAgainAndAfterTheBudgetTheFileFails() throws Exception {
        start(pool(1, Duration.ofSeconds(2), 2));
        String name = launch("alice", Region.IN);
        Map.Entry<String, String> job = aJobToken();

        JsonNode first = worker.claim(job.getValue(), "pod-oom", 5).body();
        awaitPhase(name, FileConversionPhase.Running);
        // No heartbeat: the pod was OOMKilled. The file comes back and is handed out again.
        WorkProtocolClient.Answer again = worker.claim(job.getValue(), "pod-2", 20);
        assertThat(again.status()).isEqualTo(200);
        assertThat(nameOf(again.body())).isEqualTo(name);
        assertThat(again.body().get("leaseId").asText()).isNotEqualTo(first.get("leaseId").asText());
        assertThat(worker.heartbeat(job.getValue(), "pod-oom", first.get("leaseId").asText()))
                .as("the lost pod's lease is gone").isEqualTo(410);
        await().atMost(WAIT).until(() -> {
            FileConversion fc = OperatorTestSupport.conversion(client, name);
            return fc.getStatus().getLeaseLosses() != null && fc.getStatus().getLeaseLosses() == 1;
        });

        // Lost a second time: the budget (2) is spent.
        FileConversion failed = awaitPhase(name, FileConversionPhase.Failed);
        assertThat(failed.getStatus().getFailureClass()).as("not retried by the retry job")
                .isEqualTo("RESOURCES_EXHAUSTED");
        assertThat(failed.getStatus().getMessage()).contains("converter pod lost 2 times").contains("pod-2");
        assertThat(sink.status(attempt(name))).isEqualTo(FileStatus.FAILED);
        assertThat(metrics.scrape()).contains("fileconv_work_leases_expired_total{app=\"test\",region=\"in\"} 2.0");
        assertThat(worker.outcome(job.getValue(), "pod-2", again.body().get("leaseId").asText(), true, null, null, 5))
                .as("a late report after expiry changes nothing").isEqualTo(410);
        assertThat(sink.status(attempt(name))).isEqualTo(FileStatus.FAILED);
    }

    @Test
    void cancelRevokesTheLeaseSoTheNextHeartbeatIsGone() throws Exception {
        start(pool(1, Duration.ofSeconds(30), 3));
        String name = launch("alice", Region.IN);
        Map.Entry<String, String> job = aJobToken();
        String leaseId = worker.claim(job.getValue(), "p", 5).body().get("leaseId").asText();
        awaitPhase(name, FileConversionPhase.Running);
        assertThat(worker.heartbeat(job.getValue(), "p", leaseId)).isEqualTo(204);

        sink.cancelRow(attempt(name));
        new KubernetesLauncher(client, NAMESPACE).cancel(Region.IN, requests.get(name).fileId(), 1);
        await().atMost(WAIT).until(() -> worker.heartbeat(job.getValue(), "p", leaseId) == 410);
        awaitPhase(name, FileConversionPhase.Cancelled);
        assertThat(worker.outcome(job.getValue(), "p", leaseId, true, null, null, 5)).isEqualTo(410);
        assertThat(sink.status(attempt(name))).isEqualTo(FileStatus.CANCELLED);

        // A file cancelled while it waits is never handed out.
        String waiting = launch("alice", Region.IN);
        awaitPhase(waiting, FileConversionPhase.Pending);
        sink.cancelRow(attempt(waiting));
        new KubernetesLauncher(client, NAMESPACE).cancel(Region.IN, requests.get(waiting).fileId(), 1);
        awaitPhase(waiting, FileConversionPhase.Cancelled);
        assertThat(worker.claim(job.getValue(), "p", 1).status()).isEqualTo(204);
    }

    @Test
    void anotherUsersFileIsHandedOutWithinOneTurnOfABurst() throws Exception {
        start(pool(2, Duration.ofSeconds(30), 3));
        List<String> burst = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            burst.add(launch("alice", Region.IN));
        }
        burst.forEach(n -> awaitPhase(n, FileConversionPhase.Pending));
        String bobs = launch("bob", Region.IN);
        awaitPhase(bobs, FileConversionPhase.Pending);

        String token = aJobToken().getValue();
        List<String> order = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            order.add(nameOf(worker.claim(token, "p" + i, 5).body()));
        }
        assertThat(order.subList(0, 2)).as("bob's file comes within one turn of alice's burst").contains(bobs);
    }

    @Test
    void theLeadersDispatcherQueuesAFileAtItsCommitWithoutWaitingForAReconcile() throws Exception {
        FileconvOperator operator = start(pool(2, Duration.ofSeconds(30), 3));
        // Committed QUEUED, its FileConversion not (yet) in the informer cache: here it does not exist at all, so
        // only the dispatcher's announcement can have queued it.
        ConversionRequest r = request("carol", Region.IN);

        operator.rowQueued(r);

        String token = aJobToken().getValue();
        assertThat(nameOf(worker.claim(token, "p0", 5).body())).isEqualTo(FileConversion.nameOf(r));
    }

    @Test
    void aFileWhoseRowIsStillUploadedIsNotQueuedByTheAnnouncement() throws Exception {
        FileconvOperator operator = start(pool(2, Duration.ofSeconds(30), 3));
        ConversionRequest r = request("carol", Region.IN);
        sink.uploaded(new ConversionAttempt(r.region(), r.fileId(), 1)); // the dispatcher has not committed it

        operator.rowQueued(r);

        assertThat(poolJobs()).as("nothing waits, so no converter Job is started").isEmpty();
    }

    @Test
    void onlyTheLeaderServesWorkAndItsPodCarriesTheLabelTheWorkServiceSelects() throws Exception {
        // JOSDK checks its RBAC for Leases with a SelfSubjectRulesReview, which the CRUD mock cannot answer.
        server.expect().post().withPath("/apis/authorization.k8s.io/v1/selfsubjectrulesreviews")
                .andReturn(201, new SelfSubjectRulesReviewBuilder().withNewStatus().withIncomplete(false)
                        .withResourceRules(new ResourceRuleBuilder().withApiGroups("coordination.k8s.io")
                                .withResources("leases").withVerbs("get", "create", "update").build())
                        .endStatus().build()).always();
        for (String pod : List.of("replica-a", "replica-b")) {
            client.pods().inNamespace(NAMESPACE).resource(new PodBuilder().withNewMetadata().withName(pod)
                    .withLabels(Map.of("app.kubernetes.io/name", "fileconv-operator")).endMetadata().build()).create();
        }
        FileconvOperator a = start(pool(1, Duration.ofSeconds(30), 3), leaderElection("replica-a"));
        await().atMost(WAIT).until(() -> "true".equals(label("replica-a")));
        FileconvOperator b = start(pool(1, Duration.ofSeconds(30), 3), leaderElection("replica-b"));
        WorkProtocolClient standby = worker;
        String name = launch("alice", Region.IN);
        Map.Entry<String, String> job = aJobToken();
        assertThat(standby.claim(job.getValue(), "p", 0).status()).as("the standby does not hand out work")
                .isEqualTo(503);
        assertThat(label("replica-b")).isNull();

        a.close();
        operators.remove(a);
        await().atMost(WAIT).until(() -> "true".equals(label("replica-b")));
        assertThat(label("replica-a")).as("one pod carries the leader label").isNull();
        WorkProtocolClient.Answer claim = standby.claim(job.getValue(), "p", 10);
        assertThat(claim.status()).as("the new leader knows the Job's token from its Secret").isEqualTo(200);
        assertThat(nameOf(claim.body())).isEqualTo(name);
        assertThat(b.workPort()).isPositive();
    }

    private static OperatorSettings.LeaderElection leaderElection(String identity) {
        return new OperatorSettings.LeaderElection(identity, Duration.ofSeconds(3), Duration.ofSeconds(2),
                Duration.ofMillis(300));
    }

    private String label(String pod) {
        return client.pods().inNamespace(NAMESPACE).withName(pod).get().getMetadata().getLabels()
                .get("fileconv.io/work-leader");
    }

    @Test
    void aNewLeaderTakesOverTheQueueAndTheLeases() throws Exception {
        FileconvOperator first = start(pool(2, Duration.ofSeconds(30), 3));
        String leased = launch("alice", Region.IN);
        String waiting = launch("alice", Region.IN);
        Map.Entry<String, String> job = aJobToken();
        JsonNode item = worker.claim(job.getValue(), "survivor", 5).body();
        String leaseId = item.get("leaseId").asText();
        String other = nameOf(item).equals(leased) ? waiting : leased;
        awaitPhase(nameOf(item), FileConversionPhase.Running);
        first.close();
        operators.remove(first);

        start(pool(2, Duration.ofSeconds(30), 3));
        // The new leader knows the token from the Job's Secret and the lease from the resource's status.
        assertThat(worker.heartbeat(job.getValue(), "survivor", leaseId)).isEqualTo(204);
        WorkProtocolClient.Answer next = worker.claim(job.getValue(), "survivor-2", 10);
        assertThat(next.status()).isEqualTo(200);
        assertThat(nameOf(next.body())).as("the waiting file was queued again from its resource").isEqualTo(other);
        assertThat(worker.outcome(job.getValue(), "survivor", leaseId, true, null, null, 10)).isEqualTo(204);
        awaitPhase(nameOf(item), FileConversionPhase.Succeeded);
        assertThat(sink.status(attempt(nameOf(item)))).isEqualTo(FileStatus.CONVERTED);
    }
}
