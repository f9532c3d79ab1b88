package io.fileconv.operator.k8s.crd;

import io.fabric8.kubernetes.api.model.Condition;

import java.util.ArrayList;
import java.util.List;

/**
 * What every fileconv resource reports besides its phase: when the work started and finished (RFC 3339, as
 * everywhere in the Kubernetes API), a human-readable message, the generation the status describes, and
 * conditions for tools that wait on them ({@code kubectl wait --for=condition=...}).
 */
public abstract class ProgressStatus {
    private String startTime;
    private String finishTime;
    private String message;
    private Long observedGeneration;
    private List<Condition> conditions = new ArrayList<>();

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
