package io.fileconv.operator.k8s.crd;

/** Lifecycle of a FileConversion as {@code kubectl get fc} shows it. */
public enum FileConversionPhase {
    Pending, Running, Succeeded, Failed, Cancelled;

    public boolean isFinished() {
        return this == Succeeded || this == Failed || this == Cancelled;
    }
}
