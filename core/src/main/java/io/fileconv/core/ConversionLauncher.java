package io.fileconv.core;

/**
 * The port between the dispatcher and whatever runs conversions: an in-process pool in the embedded stack
 * ({@code QueuedLauncher}), a FileConversion custom resource and a Job in Kubernetes ({@code KubernetesLauncher}).
 * Both calls must be idempotent per (file, attempt): Kafka delivers at least once.
 */
public interface ConversionLauncher extends AutoCloseable {

    /**
     * Starts the attempt, whose row is QUEUED: the dispatcher calls it after its commit (on a launch thread, after
     * {@link #dispatched}), the sweeper for a QUEUED row left without its resource.
     */
    void launch(ConversionRequest request) throws Exception;

    /**
     * The dispatcher committed UPLOADED -> QUEUED for the attempt, and calls this at once, before {@link #launch}:
     * a work queue takes the attempt here (the cluster's leader, before its FileConversion exists). Not called when
     * the process dies before (the attempt's QUEUED row is then found again at start or by the sweeper).
     */
    default void dispatched(ConversionRequest request) throws Exception {
    }

    /** Stop the attempt if it is still running; a no-op when it is unknown or finished. */
    void cancel(Region region, String fileId, int attempt) throws Exception;

    @Override
    default void close() throws Exception {
    }
}
