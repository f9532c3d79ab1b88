package io.fileconv.testkit;

import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatus;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;

/**
 * What the kubelet and the Job controller report about a Job, written to an API server that has neither (fabric8's
 * mock): the Job's status as it runs and ends, and its pod with the container's exit code.
 */
public final class JobReports {
    private JobReports() {
    }

    public static void running(KubernetesClient client, String namespace, String job, Instant started) {
        set(client, namespace, job, new JobStatusBuilder().withActive(1).withStartTime(rfc3339(started)).build());
    }

    public static void succeeded(KubernetesClient client, String namespace, String job, Instant started,
                                 Instant finished) {
        set(client, namespace, job, new JobStatusBuilder().withActive(0).withSucceeded(1)
                .withStartTime(rfc3339(started)).withCompletionTime(rfc3339(finished))
                .withConditions(new JobConditionBuilder().withType("Complete").withStatus("True")
                        .withLastTransitionTime(rfc3339(finished)).build())
                .build());
    }

    /** @param reason the Failed condition's reason, e.g. BackoffLimitExceeded or DeadlineExceeded */
    public static void failed(KubernetesClient client, String namespace, String job, String reason, Instant started,
                              Instant finished) {
        set(client, namespace, job, new JobStatusBuilder().withActive(0).withFailed(1).withStartTime(rfc3339(started))
                .withConditions(new JobConditionBuilder().withType("Failed").withStatus("True").withReason(reason)
                        .withLastTransitionTime(rfc3339(finished)).build())
                .build());
    }

    /** The Job's pod after its container ended: phase from the exit code, the code and reason in its status. */
    public static Pod terminatedPod(KubernetesClient client, String namespace, String podName, String container,
                                    Map<String, String> labels, int exitCode, String reason) {
        Pod pod = new PodBuilder().withNewMetadata().withName(podName).withNamespace(namespace).withLabels(labels)
                .endMetadata()
                .withNewSpec().addNewContainer().withName(container).withImage("x").endContainer().endSpec()
                .build();
        client.pods().inNamespace(namespace).resource(pod).create();
        return client.pods().inNamespace(namespace).withName(podName).editStatus(p -> {
            p.setStatus(new PodStatusBuilder().withPhase(exitCode == 0 ? "Succeeded" : "Failed")
                    .withContainerStatuses(new ContainerStatusBuilder().withName(container)
                            .withNewState().withNewTerminated().withExitCode(exitCode).withReason(reason)
                            .endTerminated().endState().build())
                    .build());
            return p;
        });
    }

    /** Kubernetes' timestamp form (whole seconds). */
    public static String rfc3339(Instant t) {
        return t.truncatedTo(ChronoUnit.SECONDS).toString();
    }

    private static void set(KubernetesClient client, String namespace, String job, JobStatus status) {
        client.batch().v1().jobs().inNamespace(namespace).withName(job).editStatus(j -> {
            j.setStatus(status);
            return j;
        });
    }
}
