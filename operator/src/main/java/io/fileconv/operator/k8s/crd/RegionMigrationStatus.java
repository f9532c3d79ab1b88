package io.fileconv.operator.k8s.crd;

import io.fabric8.kubernetes.api.model.Condition;

import java.util.ArrayList;
import java.util.List;

/** Progress of a migration: the phase reached, how much has moved, and why it stopped if it did. */
public class RegionMigrationStatus {
    private RegionMigrationPhase phase;
    private Long filesTotal;
    private Long filesCopied;
    private Long objectsCopied;
    private Long filesVerified;
    private String startTime;
    private String finishTime;
    private String message;
    private Long observedGeneration;
    private List<Condition> conditions = new ArrayList<>();

    public RegionMigrationPhase getPhase() {
        return phase;
    }

    public void setPhase(RegionMigrationPhase phase) {
        this.phase = phase;
    }

    public Long getFilesTotal() {
        return filesTotal;
    }

    public void setFilesTotal(Long filesTotal) {
        this.filesTotal = filesTotal;
    }

    public Long getFilesCopied() {
        return filesCopied;
    }

    public void setFilesCopied(Long filesCopied) {
        this.filesCopied = filesCopied;
    }

    public Long getObjectsCopied() {
        return objectsCopied;
    }

    public void setObjectsCopied(Long objectsCopied) {
        this.objectsCopied = objectsCopied;
    }

    public Long getFilesVerified() {
        return filesVerified;
    }

    public void setFilesVerified(Long filesVerified) {
        this.filesVerified = filesVerified;
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
