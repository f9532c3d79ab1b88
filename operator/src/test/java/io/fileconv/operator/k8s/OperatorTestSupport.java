package io.fileconv.operator.k8s;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fileconv.core.ConversionRequest;
import io.fileconv.core.Ids;
import io.fileconv.core.Region;
import io.fileconv.core.S3Keys;
import io.fileconv.operator.k8s.crd.FileConversion;
import io.fileconv.operator.k8s.job.ConverterJobFactory;
import io.fileconv.operator.k8s.job.ConverterJobSettings;
import io.fileconv.testkit.JobReports;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Fixtures for tests that run the operator: settings, requests, and a kubelet's view of a Job. */
public final class OperatorTestSupport {
    public static final String NAMESPACE = "fileconv";

    private OperatorTestSupport() {
    }

    public static ConverterJobSettings jobSettings() {
        return new ConverterJobSettings("registry.example/fileconv-converter:1.2.3", "IfNotPresent",
                Duration.ofSeconds(120), Duration.ofSeconds(300), Duration.ofSeconds(3600), "500m", "1", "768Mi",
                "1536Mi", "fileconv-s3", "http://s3.fileconv.svc:9000", "us-east-1", true, null,
                List.of("regcred"));
    }

    public static OperatorSettings settings(Duration finishedTtl) {
        return new OperatorSettings(NAMESPACE, finishedTtl, null, jobSettings());
    }

    public static ConversionRequest request(Region region, int attempt) {
        String fileId = Ids.newId();
        return new ConversionRequest(fileId, "alice", region, region.defaultBucket(), S3Keys.input("alice", fileId),
                S3Keys.output("alice", fileId), attempt, "application/pdf", "req-" + fileId.substring(0, 8));
    }

    public static FileConversion conversion(KubernetesClient client, String name) {
        return client.resources(FileConversion.class).inNamespace(NAMESPACE).withName(name).get();
    }

    public static Job job(KubernetesClient client, String name) {
        return client.batch().v1().jobs().inNamespace(NAMESPACE).withName(name).get();
    }

    /** The pod has started: the Job controller counts it as active. */
    public static void markRunning(KubernetesClient client, String jobName, Instant started) {
        JobReports.running(client, NAMESPACE, jobName, started);
    }

    public static void markSucceeded(KubernetesClient client, String jobName, Instant started, Instant finished) {
        JobReports.succeeded(client, NAMESPACE, jobName, started, finished);
    }

    public static void markFailed(KubernetesClient client, String jobName, String reason, Instant started,
                                  Instant finished) {
        JobReports.failed(client, NAMESPACE, jobName, reason, started, finished);
    }

    /** The Job's pod after its container ended, as the kubelet reports it. */
    public static Pod createTerminatedPod(KubernetesClient client, String jobName, int exitCode, String reason) {
        return JobReports.terminatedPod(client, NAMESPACE, jobName + "-x7k2p", ConverterJobFactory.CONTAINER,
                Map.of(Labels.JOB_NAME, jobName, Labels.NAME, Labels.CONVERTER), exitCode, reason);
    }

    public static String rfc3339(Instant t) {
        return JobReports.rfc3339(t);
    }
}
