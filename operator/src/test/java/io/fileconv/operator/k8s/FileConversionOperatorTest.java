package io.fileconv.operator.k8s;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fileconv.core.ConversionRequest;
import io.fileconv.core.FailureClass;
import io.fileconv.core.FileStatus;
import io.fileconv.core.Region;
import io.fileconv.operator.k8s.crd.FileConversion;
import io.fileconv.operator.k8s.crd.FileConversionPhase;
import io.fileconv.pipeline.status.ConversionAttempt;
import io.fileconv.operator.k8s.reconciler.InMemoryStatusSink;
import io.fileconv.testkit.MockClusterExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static io.fileconv.operator.k8s.OperatorTestSupport.NAMESPACE;
import static io.fileconv.operator.k8s.OperatorTestSupport.conversion;
import static io.fileconv.operator.k8s.OperatorTestSupport.job;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The real operator (JOSDK + reconciler) against fabric8's mock API server in CRUD mode. */
@ExtendWith(MockClusterExtension.class)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class FileConversionOperatorTest {
    private static final Duration WAIT = Duration.ofSeconds(15);

    KubernetesClient client;

    private final InMemoryStatusSink sink = new InMemoryStatusSink();
    private FileconvOperator operator;

    private void startOperator(Duration finishedTtl) {
        operator = new FileconvOperator(client, OperatorTestSupport.settings(finishedTtl), sink, () -> { });
        operator.start();
    }

    @AfterEach
    void stopOperator() {
        if (operator != null) {
            operator.close();
        }
    }

    private String launch(ConversionRequest request) {
        new KubernetesLauncher(client, NAMESPACE).launch(request);
        return FileConversion.nameOf(request);
    }

    private Job awaitJob(String name) {
        await().atMost(WAIT).until(() -> job(client, name) != null);
        return job(client, name);
    }

    private FileConversion awaitPhase(String name, FileConversionPhase phase) {
        await().atMost(WAIT).until(() -> {
            FileConversion fc = conversion(client, name);
            return fc != null && fc.getStatus() != null && fc.getStatus().getPhase() == phase;
        });
        return conversion(client, name);
    }

    private static ConversionAttempt attempt(ConversionRequest r) {
        return new ConversionAttempt(r.region(), r.fileId(), r.attempt());
    }

    @Test
    void createsOneLockedDownJobOwnedByTheConversion() {
        startOperator(Duration.ofHours(1));
        ConversionRequest request = OperatorTestSupport.request(Region.IN, 1);
        String name = launch(request);

        Job job = awaitJob(name);
        FileConversion fc = awaitPhase(name, FileConversionPhase.Pending);
        assertThat(fc.getStatus().getJobName()).isEqualTo(name);
        assertThat(fc.getStatus().getObservedGeneration()).isEqualTo(fc.getMetadata().getGeneration());

        OwnerReference owner = job.getMetadata().getOwnerReferences().get(0);
        assertThat(owner.getKind()).isEqualTo("FileConversion");
        assertThat(owner.getApiVersion()).isEqualTo("fileconv.io/v1alpha1");
        assertThat(owner.getUid()).isEqualTo(fc.getMetadata().getUid());
        assertThat(owner.getController()).isTrue();

        Map<String, String> expectedLabels = Map.of(
                "app.kubernetes.io/name", "fileconv-converter",
                "fileconv.io/file-id", request.fileId(),
                "fileconv.io/attempt", "1");
        assertThat(job.getMetadata().getLabels()).containsAllEntriesOf(expectedLabels);
        assertThat(job.getSpec().getTemplate().getMetadata().getLabels()).containsAllEntriesOf(expectedLabels);

        assertThat(job.getSpec().getBackoffLimit()).isZero();
        assertThat(job.getSpec().getActiveDeadlineSeconds()).isEqualTo(300L);
        assertThat(job.getSpec().getTtlSecondsAfterFinished()).isEqualTo(3600);

        PodSpec pod = job.getSpec().getTemplate().getSpec();
        assertThat(pod.getRestartPolicy()).isEqualTo("Never");
        assertThat(pod.getAutomountServiceAccountToken()).isFalse();
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(pod.getSecurityContext().getRunAsUser()).isEqualTo(10001L);
        assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
        assertThat(pod.getVolumes()).allSatisfy(v -> assertThat(v.getEmptyDir()).isNotNull());

        Container c = pod.getContainers().get(0);
        assertThat(c.getImage()).isEqualTo("registry.example/fileconv-converter:1.2.3");
        assertThat(c.getImagePullPolicy()).isEqualTo("IfNotPresent");
        assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
        assertThat(c.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(c.getSecurityContext().getRunAsUser()).isEqualTo(10001L);
        assertThat(c.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(c.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
        assertThat(c.getResources().getRequests()).containsKeys("cpu", "memory");
        assertThat(c.getResources().getLimits().get("memory").toString()).isEqualTo("1536Mi");
        assertThat(c.getVolumeMounts()).extracting(m -> m.getMountPath()).containsExactlyInAnyOrder("/tmp",
                "/home/converter");

        Map<String, EnvVar> env = c.getEnv().stream().collect(Collectors.toMap(EnvVar::getName, e -> e));
        assertThat(env.get("FILECONV_FILE_ID").getValue()).isEqualTo(request.fileId());
        assertThat(env.get("FILECONV_USER_ID").getValue()).isEqualTo("alice");
        assertThat(env.get("FILECONV_REGION").getValue()).isEqualTo("in");
        assertThat(env.get("FILECONV_ATTEMPT").getValue()).isEqualTo("1");
        assertThat(env.get("FILECONV_S3_BUCKET").getValue()).isEqualTo("fileconv-in");
        assertThat(env.get("FILECONV_INPUT_KEY").getValue()).isEqualTo(request.inputKey());
        assertThat(env.get("FILECONV_OUTPUT_KEY").getValue()).isEqualTo(request.outputKey());
        assertThat(env.get("FILECONV_TIMEOUT_SECONDS").getValue()).isEqualTo("120");
        assertThat(env.get("HOME").getValue()).isEqualTo("/home/converter");
        assertThat(env.get("FILECONV_S3_ACCESS_KEY").getValue()).isNull();
        assertThat(env.get("FILECONV_S3_ACCESS_KEY").getValueFrom().getSecretKeyRef().getName())
                .isEqualTo("fileconv-s3");
        assertThat(env.get("FILECONV_S3_SECRET_KEY").getValueFrom().getSecretKeyRef().getKey())
                .isEqualTo("secretKey");
        assertThat(env.get("FILECONV_S3_ACCESS_KEY").getValueFrom().getSecretKeyRef().getKey())
                .as("the key layout of docs/DEPLOY.md's fileconv-s3 Secret").isEqualTo("accessKey");
        assertThat(job.getSpec().getTemplate().getSpec().getImagePullSecrets())
                .extracting(r -> r.getName()).containsExactly("regcred");
        assertThat(job.getMetadata().getOwnerReferences()).singleElement()
                .satisfies(o -> assertThat(o.getController()).isTrue())
                .satisfies(o -> assertThat(o.getBlockOwnerDeletion()).as("needs fileconversions/finalizers").isNull());

        assertThat(client.batch().v1().jobs().inNamespace(NAMESPACE).list().getItems()).hasSize(1);
        assertThat(sink.changes()).isEmpty();
    }

    @Test
    void successIsRecordedAsConvertingThenConverted() {
        startOperator(Duration.ofHours(1));
        ConversionRequest request = OperatorTestSupport.request(Region.US, 2);
        String name = launch(request);
        awaitJob(name);

        Instant started = Instant.now().minusSeconds(7);
        OperatorTestSupport.markRunning(client, name, started);
        FileConversion running = awaitPhase(name, FileConversionPhase.Running);
        assertThat(running.getStatus().getStartTime()).isEqualTo(OperatorTestSupport.rfc3339(started));
        await().atMost(WAIT).until(() -> sink.status(attempt(request)) == FileStatus.CONVERTING);

        OperatorTestSupport.markSucceeded(client, name, started, started.plusSeconds(5));
        FileConversion done = awaitPhase(name, FileConversionPhase.Succeeded);
        assertThat(done.getStatus().getDuration()).isEqualTo("5s");
        assertThat(done.getStatus().getDurationMillis()).isEqualTo(5000L);
        assertThat(done.getStatus().getFinishTime()).isEqualTo(OperatorTestSupport.rfc3339(started.plusSeconds(5)));
        assertThat(done.getStatus().getConditions())
                .anySatisfy(cnd -> {
                    assertThat(cnd.getType()).isEqualTo("Finished");
                    assertThat(cnd.getStatus()).isEqualTo("True");
                    assertThat(cnd.getReason()).isEqualTo("Succeeded");
                });

        assertThat(sink.changes()).extracting(InMemoryStatusSink.Change::status)
                .containsExactly(FileStatus.CONVERTING, FileStatus.CONVERTED);
        assertThat(sink.changes().get(1).took()).isEqualTo(Duration.ofSeconds(5));
    }

    /**
     * Issue 14's "stuck QUEUED forever": the Job finishes while the row is still UPLOADED (the dispatcher created the
     * resource but its commit has not happened yet). The outcome must not be dropped: the resource stays unfinished
     * until the row is QUEUED, then the outcome is recorded.
     */
    @Test
    void jobFinishingWhileTheRowIsStillUploadedWaitsForTheDispatcherInsteadOfDroppingTheOutcome() {
        startOperator(Duration.ofHours(1));
        ConversionRequest request = OperatorTestSupport.request(Region.IN, 1);
        sink.uploaded(attempt(request));
        String name = launch(request);
        awaitJob(name);
        Instant started = Instant.now().minusSeconds(4);
        OperatorTestSupport.markSucceeded(client, name, started, started.plusSeconds(3));

        await().atMost(WAIT).until(() -> {
            FileConversion fc = conversion(client, name);
            return fc.getStatus() != null && fc.getStatus().getMessage() != null
                    && fc.getStatus().getMessage().contains("waiting for the dispatcher");
        });
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(conversion(client, name).getStatus().getPhase().isFinished()).isFalse();
            assertThat(sink.status(attempt(request))).isEqualTo(FileStatus.UPLOADED);
        });

        assertThat(sink.queued(attempt(request))).as("the dispatcher commits UPLOADED -> QUEUED").isTrue();
        awaitPhase(name, FileConversionPhase.Succeeded);
        assertThat(sink.status(attempt(request))).isEqualTo(FileStatus.CONVERTED);
    }

    @Test
    void failureClassComesFromTheConverterExitCode() {
        startOperator(Duration.ofHours(1));
        ConversionRequest request = OperatorTestSupport.request(Region.UK, 1);
        String name = launch(request);
        awaitJob(name);
        Instant started = Instant.now().minusSeconds(3);
        OperatorTestSupport.markRunning(client, name, started);
        await().atMost(WAIT).until(() -> sink.status(attempt(request)) == FileStatus.CONVERTING);

        OperatorTestSupport.createTerminatedPod(client, name, FailureClass.PASSWORD_PROTECTED.exitCode(), "Error");
        OperatorTestSupport.markFailed(client, name, "BackoffLimitExceeded", started, started.plusSeconds(2));

        FileConversion failed = awaitPhase(name, FileConversionPhase.Failed);
        assertThat(failed.getStatus().getFailureClass()).isEqualTo("PASSWORD_PROTECTED");
        assertThat(failed.getStatus().getMessage()).contains("exited with 11");
        assertThat(sink.changes()).extracting(InMemoryStatusSink.Change::status)
                .containsExactly(FileStatus.CONVERTING, FileStatus.FAILED);
        assertThat(sink.changes().get(1).failureClass()).isEqualTo(FailureClass.PASSWORD_PROTECTED);
    }

    @Test
    void oomKilledConverterHasExhaustedItsResourcesAndIsNotRetried() {
        startOperator(Duration.ofHours(1));
        ConversionRequest request = OperatorTestSupport.request(Region.IN, 1);
        String name = launch(request);
        awaitJob(name);
        Instant started = Instant.now().minusSeconds(3);
        // The Job fails before the operator saw it running: the row goes QUEUED -> FAILED directly.
        OperatorTestSupport.createTerminatedPod(client, name, 137, "OOMKilled");
        OperatorTestSupport.markFailed(client, name, "BackoffLimitExceeded", started, started.plusSeconds(2));

        FileConversion failed = awaitPhase(name, FileConversionPhase.Failed);
        assertThat(failed.getStatus().getFailureClass()).isEqualTo("RESOURCES_EXHAUSTED");
        assertThat(failed.getStatus().getMessage()).contains("OOMKilled");
        assertThat(sink.changes()).singleElement().satisfies(ch -> {
            assertThat(ch.status()).isEqualTo(FileStatus.FAILED);
            assertThat(ch.failureClass()).isEqualTo(FailureClass.RESOURCES_EXHAUSTED);
            assertThat(ch.failureClass().retryable()).isFalse();
        });
    }

    @Test
    void deadlineExceededIsATimeout() {
        startOperator(Duration.ofHours(1));
        ConversionRequest request = OperatorTestSupport.request(Region.IN, 1);
        String name = launch(request);
        awaitJob(name);
        Instant started = Instant.now().minusSeconds(300);
        OperatorTestSupport.markRunning(client, name, started);
        await().atMost(WAIT).until(() -> sink.status(attempt(request)) == FileStatus.CONVERTING);
        OperatorTestSupport.markFailed(client, name, "DeadlineExceeded", started, started.plusSeconds(300));

        FileConversion failed = awaitPhase(name, FileConversionPhase.Failed);
        assertThat(failed.getStatus().getFailureClass()).isEqualTo("TIMEOUT");
        assertThat(failed.getStatus().getDuration()).isEqualTo("5m0s");
        assertThat(sink.status(attempt(request))).isEqualTo(FileStatus.FAILED);
        assertThat(sink.changes().get(1).failureClass()).isEqualTo(FailureClass.TIMEOUT);
    }

    @Test
    void cancelDeletesTheJobAndEndsCancelled() {
        startOperator(Duration.ofHours(1));
        ConversionRequest request = OperatorTestSupport.request(Region.IN, 1);
        String name = launch(request);
        awaitJob(name);
        OperatorTestSupport.markRunning(client, name, Instant.now());
        await().atMost(WAIT).until(() -> sink.status(attempt(request)) == FileStatus.CONVERTING);

        sink.cancelRow(attempt(request));
        new KubernetesLauncher(client, NAMESPACE).cancel(request.region(), request.fileId(), request.attempt());

        FileConversion cancelled = awaitPhase(name, FileConversionPhase.Cancelled);
        await().atMost(WAIT).until(() -> job(client, name) == null);
        assertThat(cancelled.getSpec().isCancel()).isTrue();
        assertThat(cancelled.getStatus().getFinishTime()).isNotNull();
        assertThat(sink.status(attempt(request))).isEqualTo(FileStatus.CANCELLED);
    }

    @Test
    void cancelBeforeTheJobExistsCreatesNone() {
        ConversionRequest request = OperatorTestSupport.request(Region.IN, 1);
        String name = launch(request);
        new KubernetesLauncher(client, NAMESPACE).cancel(request.region(), request.fileId(), request.attempt());
        startOperator(Duration.ofHours(1));

        awaitPhase(name, FileConversionPhase.Cancelled);
        assertThat(client.batch().v1().jobs().inNamespace(NAMESPACE).list().getItems()).isEmpty();
    }

    @Test
    void anExpiringConversionHasItsOrphanedPdfDiscarded() {
        // A per-file Job may PUT its PDF after its cancel or its file's delete; nothing reports back, so the
        // expiry of its FileConversion (long after the pod ended) asks for the PDF to go if no row owns it.
        List<String> discarded = new CopyOnWriteArrayList<>();
        operator = new FileconvOperator(client, OperatorTestSupport.settings(Duration.ofSeconds(2)), sink, () -> { })
                .withOrphanedOutputDiscard((region, userId, fileId) -> discarded.add(region.code() + "/" + fileId));
        operator.start();
        ConversionRequest request = OperatorTestSupport.request(Region.IN, 1);
        String name = launch(request);
        awaitJob(name);
        sink.cancelRow(attempt(request));
        new KubernetesLauncher(client, NAMESPACE).cancel(request.region(), request.fileId(), request.attempt());
        awaitPhase(name, FileConversionPhase.Cancelled);
        assertThat(discarded).isEmpty();

        await().atMost(WAIT).until(() -> conversion(client, name) == null);
        assertThat(discarded).containsExactly("in/" + request.fileId());
    }

    @Test
    void finishedConversionIsDeletedAfterItsTtl() {
        startOperator(Duration.ofSeconds(2));
        ConversionRequest request = OperatorTestSupport.request(Region.IN, 1);
        String name = launch(request);
        launch(OperatorTestSupport.request(Region.IN, 2));
        awaitJob(name);
        // The fileconv_fileconversions gauge: what etcd holds of the kind, finished ones until their TTL.
        await().atMost(WAIT).until(() -> operator.fileConversionsAlive() == 2);
        Instant started = Instant.now();
        OperatorTestSupport.markSucceeded(client, name, started, started.plusSeconds(1));
        awaitPhase(name, FileConversionPhase.Succeeded);

        await().atMost(WAIT).until(() -> conversion(client, name) == null);
        assertThat(sink.status(attempt(request))).isEqualTo(FileStatus.CONVERTED);
        await().atMost(WAIT).until(() -> operator.fileConversionsAlive() == 1);
    }

    @Test
    void restartMidFlightFollowsTheSameJob() {
        startOperator(Duration.ofHours(1));
        ConversionRequest request = OperatorTestSupport.request(Region.IN, 1);
        String name = launch(request);
        String jobUid = awaitJob(name).getMetadata().getUid();
        awaitPhase(name, FileConversionPhase.Pending);
        Instant started = Instant.now().minusSeconds(4);
        OperatorTestSupport.markRunning(client, name, started);
        awaitPhase(name, FileConversionPhase.Running);

        operator.close();
        // While no operator runs, the Job finishes.
        OperatorTestSupport.markSucceeded(client, name, started, started.plusSeconds(4));
        startOperator(Duration.ofHours(1));

        awaitPhase(name, FileConversionPhase.Succeeded);
        List<Job> jobs = client.batch().v1().jobs().inNamespace(NAMESPACE).list().getItems();
        assertThat(jobs).singleElement().satisfies(j -> assertThat(j.getMetadata().getUid()).isEqualTo(jobUid));
        assertThat(sink.changes()).extracting(InMemoryStatusSink.Change::status)
                .containsExactly(FileStatus.CONVERTING, FileStatus.CONVERTED);
    }

    @Test
    void restartBeforeTheJobRanCreatesNoSecondJob() {
        startOperator(Duration.ofHours(1));
        ConversionRequest request = OperatorTestSupport.request(Region.IN, 1);
        String name = launch(request);
        String jobUid = awaitJob(name).getMetadata().getUid();
        awaitPhase(name, FileConversionPhase.Pending);
        operator.close();
        startOperator(Duration.ofHours(1));

        OperatorTestSupport.markRunning(client, name, Instant.now());
        awaitPhase(name, FileConversionPhase.Running);
        assertThat(client.batch().v1().jobs().inNamespace(NAMESPACE).list().getItems())
                .singleElement().satisfies(j -> assertThat(j.getMetadata().getUid()).isEqualTo(jobUid));
    }

    @Test
    void jobDeletedBehindTheOperatorsBackFailsTheAttemptRetryably() {
        startOperator(Duration.ofHours(1));
        ConversionRequest request = OperatorTestSupport.request(Region.IN, 1);
        String name = launch(request);
        awaitJob(name);
        awaitPhase(name, FileConversionPhase.Pending);
        client.batch().v1().jobs().inNamespace(NAMESPACE).withName(name).delete();

        FileConversion failed = awaitPhase(name, FileConversionPhase.Failed);
        assertThat(failed.getStatus().getFailureClass()).isEqualTo("INTERNAL");
        assertThat(FailureClass.INTERNAL.retryable()).isTrue();
        assertThat(client.batch().v1().jobs().inNamespace(NAMESPACE).list().getItems()).isEmpty();
    }
}
