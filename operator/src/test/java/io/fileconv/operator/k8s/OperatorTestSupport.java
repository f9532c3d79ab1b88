package io.fileconv.operator.k8s;

import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fileconv.core.ConversionRequest;
import io.fileconv.core.Ids;
import io.fileconv.core.Region;
import io.fileconv.core.S3Keys;
import io.fileconv.operator.k8s.crd.FileConversion;
import io.fileconv.operator.k8s.job.ConverterJobFactory;
import io.fileconv.operator.k8s.job.ConverterJobSettings;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

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
        client.batch().v1().jobs().inNamespace(NAMESPACE).withName(jobName).editStatus(j -> {
            j.setStatus(new io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder()
                    .withActive(1).withStartTime(rfc3339(started)).build());
            return j;
        });
    }

    public static void markSucceeded(KubernetesClient client, String jobName, Instant started, Instant finished) {
        client.batch().v1().jobs().inNamespace(NAMESPACE).withName(jobName).editStatus(j -> {
            j.setStatus(new io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder()
                    .withActive(0).withSucceeded(1).withStartTime(rfc3339(started))
                    .withCompletionTime(rfc3339(finished))
                    .withConditions(new JobConditionBuilder().withType("Complete").withStatus("True")
                            .withLastTransitionTime(rfc3339(finished)).build())
                    .build());
            return j;
        });
    }

    public static void markFailed(KubernetesClient client, String jobName, String reason, Instant started,
                                  Instant finished) {
        client.batch().v1().jobs().inNamespace(NAMESPACE).withName(jobName).editStatus(j -> {
            j.setStatus(new io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder()
                    .withActive(0).withFailed(1).withStartTime(rfc3339(started))
                    .withConditions(new JobConditionBuilder().withType("Failed").withStatus("True").withReason(reason)
                            .withLastTransitionTime(rfc3339(finished)).build())
                    .build());
            return j;
        });
    }

    /** The Job's pod after its container ended, as the kubelet reports it. */
    public static Pod createTerminatedPod(KubernetesClient client, String jobName, int exitCode, String reason) {
        Pod pod = new PodBuilder()
                .withNewMetadata().withName(jobName + "-x7k2p").withNamespace(NAMESPACE)
                    .addToLabels(Labels.JOB_NAME, jobName).addToLabels(Labels.NAME, Labels.CONVERTER)
                .endMetadata()
                .withNewSpec().addNewContainer().withName(ConverterJobFactory.CONTAINER).withImage("x").endContainer()
                .endSpec()
                .build();
        client.pods().inNamespace(NAMESPACE).resource(pod).create();
        return client.pods().inNamespace(NAMESPACE).withName(pod.getMetadata().getName()).editStatus(p -> {
            p.setStatus(new io.fabric8.kubernetes.api.model.PodStatusBuilder().withPhase("Failed")
                    .withContainerStatuses(new ContainerStatusBuilder().withName(ConverterJobFactory.CONTAINER)
                            .withNewState().withNewTerminated().withExitCode(exitCode).withReason(reason)
                            .endTerminated().endState().build())
                    .build());
            return p;
        });
    }

    public static String rfc3339(Instant t) {
        return t.truncatedTo(ChronoUnit.SECONDS).toString();
    }
}
