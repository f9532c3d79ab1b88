package io.fileconv.operator.k8s.reconciler;

import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fileconv.core.FailureClass;
import io.fileconv.operator.k8s.Labels;
import io.fileconv.operator.k8s.job.ConverterJobFactory;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Turns a Job's status into a {@link ConverterRun}. A Job does not carry its pod's exit code, and the exit code
 * is the failure class, so a failed Job's pods are read (they stay until ttlSecondsAfterFinished).
 */
public class ConverterRunInspector {
    static final String DEADLINE_EXCEEDED = "DeadlineExceeded";

    private final KubernetesClient client;

    public ConverterRunInspector(KubernetesClient client) {
        this.client = client;
    }

    public ConverterRun inspect(Job job) {
        JobStatus status = job.getStatus();
        if (status == null) {
            return new ConverterRun(ConverterRun.State.WAITING, null, "Job created", null, null);
        }
        Instant start = parse(status.getStartTime());
        Optional<JobCondition> complete = condition(status, "Complete");
        Optional<JobCondition> failed = condition(status, "Failed");
        if (complete.isPresent() || positive(status.getSucceeded())) {
            Instant finish = Optional.ofNullable(parse(status.getCompletionTime()))
                    .or(() -> complete.map(c -> parse(c.getLastTransitionTime()))).orElse(null);
            return new ConverterRun(ConverterRun.State.SUCCEEDED, null, "PDF written", start, finish);
        }
        if (failed.isPresent() || positive(status.getFailed())) {
            Instant finish = failed.map(c -> parse(c.getLastTransitionTime())).orElse(null);
            if (failed.filter(c -> DEADLINE_EXCEEDED.equals(c.getReason())).isPresent()) {
                return new ConverterRun(ConverterRun.State.FAILED, FailureClass.TIMEOUT,
                        "Job exceeded its activeDeadlineSeconds", start, finish);
            }
            return failure(job, start, finish);
        }
        if (positive(status.getActive())) {
            return new ConverterRun(ConverterRun.State.RUNNING, null, "converter running", start, null);
        }
        return new ConverterRun(ConverterRun.State.WAITING, null, "waiting for the converter pod", start, null);
    }

    private ConverterRun failure(Job job, Instant start, Instant finish) {
        Optional<ContainerStateTerminated> terminated = terminatedConverter(job);
        if (terminated.isEmpty()) {
            // No pod left to ask (evicted and collected): treat like a crash, which is retryable.
            return new ConverterRun(ConverterRun.State.FAILED, FailureClass.OFFICE_CRASHED,
                    "converter failed; its exit code is no longer available", start, finish);
        }
        ContainerStateTerminated t = terminated.get();
        int code = t.getExitCode() == null ? -1 : t.getExitCode();
        // Killed at the container's memory limit: the document's doing, and it would be again (not retried).
        FailureClass fc = "OOMKilled".equals(t.getReason()) ? FailureClass.RESOURCES_EXHAUSTED
                : FailureClass.fromExitCode(code);
        String detail = t.getReason() == null ? "" : " (" + t.getReason() + ")";
        return new ConverterRun(ConverterRun.State.FAILED, fc, "converter exited with " + code + detail + ": " + fc,
                start, finish);
    }

    private Optional<ContainerStateTerminated> terminatedConverter(Job job) {
        List<Pod> pods = client.pods().inNamespace(job.getMetadata().getNamespace())
                .withLabel(Labels.JOB_NAME, job.getMetadata().getName()).list().getItems();
        return pods.stream()
                .filter(p -> p.getStatus() != null && p.getStatus().getContainerStatuses() != null)
                .sorted(Comparator.comparing((Pod p) -> p.getMetadata().getCreationTimestamp(),
                        Comparator.nullsFirst(Comparator.naturalOrder())).reversed())
                .flatMap(p -> p.getStatus().getContainerStatuses().stream())
                .filter(c -> ConverterJobFactory.CONTAINER.equals(c.getName()))
                .map(ConverterRunInspector::terminatedState)
                .filter(Objects::nonNull)
                .findFirst();
    }

    private static ContainerStateTerminated terminatedState(ContainerStatus c) {
        if (c.getState() != null && c.getState().getTerminated() != null) {
            return c.getState().getTerminated();
        }
        return c.getLastState() == null ? null : c.getLastState().getTerminated();
    }

    private static Optional<JobCondition> condition(JobStatus status, String type) {
        return status.getConditions() == null ? Optional.empty() : status.getConditions().stream()
                .filter(c -> type.equals(c.getType()) && "True".equals(c.getStatus())).findFirst();
    }

    private static boolean positive(Integer n) {
        return n != null && n > 0;
    }

    static Instant parse(String time) {
        return time == null || time.isEmpty() ? null : Instant.parse(time);
    }
}
