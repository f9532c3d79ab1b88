package io.fileconv.operator.k8s.crd;

import io.fileconv.core.migration.MigrationPhase;

/** Progress of a migration: the phase reached, how much has moved, and why it stopped if it did. */
public class RegionMigrationStatus extends ProgressStatus {
    private MigrationPhase phase;
    private Long filesTotal;
    private Long filesCopied;
    private Long objectsCopied;
    private Long filesVerified;

    public MigrationPhase getPhase() {
        return phase;
    }

    public void setPhase(MigrationPhase phase) {
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
}
