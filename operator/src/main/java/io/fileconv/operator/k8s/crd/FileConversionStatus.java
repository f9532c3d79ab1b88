package io.fileconv.operator.k8s.crd;

import io.fabric8.kubernetes.api.model.Condition;

import java.util.ArrayList;
import java.util.List;

/** Observed state of a conversion; times are RFC 3339 strings as everywhere in the Kubernetes API. */
public class FileConversionStatus {
    private FileConversionPhase phase;
    private String jobName;
    private String startTime;
    private String finishTime;
    /** Human-readable run time ({@code 4s}, {@code 1m12s}) for the DURATION column. */
    private String duration;
    private Long durationMillis;
    private String failureClass;
    private String message;
    private Long observedGeneration;
    private List<Condition> conditions = new ArrayList<>();

    public FileConversionPhase getPhase() {
        return phase;
    }

    public void setPhase(FileConversionPhase phase) {
        this.phase = phase;
    }

    public String getJobName() {
        return jobName;
    }

    public void setJobName(String jobName) {
        this.jobName = jobName;
    }

    public String getStartTime() {
        return startTime;
    }

    public void setStartTime(String startTime) {
        this.startTime = startTime;
    }

    public String getFinishTime() {
        return finishTime;
    }

    public void setFinishTime(String finishTime) {
        this.finishTime = finishTime;
    }

    public String getDuration() {
        return duration;
    }

    public void setDuration(String duration) {
        this.duration = duration;
    }

    public Long getDurationMillis() {
        return durationMillis;
    }

    public void setDurationMillis(Long durationMillis) {
        this.durationMillis = durationMillis;
    }

    public String getFailureClass() {
        return failureClass;
    }

    public void setFailureClass(String failureClass) {
        this.failureClass = failureClass;
    }

    public String getMessage() {
        return message;
    }

    public void setMessage(String message) {
        this.message = message;
    }

    public Long getObservedGeneration() {
        return observedGeneration;
    }

    public void setObservedGeneration(Long observedGeneration) {
        this.observedGeneration = observedGeneration;
    }

    public List<Condition> getConditions() {
        return conditions;
    }

    public void setConditions(List<Condition> conditions) {
        this.conditions = conditions;
    }
}
