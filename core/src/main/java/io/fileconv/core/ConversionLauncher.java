package io.fileconv.core;

/**
 * The port between the dispatcher and whatever runs conversions: an in-process pool in the embedded stack
 * ({@code QueuedLauncher}), a FileConversion custom resource and a Job in Kubernetes ({@code KubernetesLauncher}).
 * Both calls must be idempotent per (file, attempt): Kafka delivers at least once.
 */
public interface ConversionLauncher extends AutoCloseable {

    void launch(ConversionRequest request) throws Exception;

    /**
     * The dispatcher committed UPLOADED -> QUEUED for the launched attempt. A launcher that queues in-process
     * converts only rows that are QUEUED, so it queues here; one that creates a resource did so at launch. Not
     * called when the process dies before (the attempt's QUEUED row is then found again at start or by the sweeper).
     */
    default void dispatched(ConversionRequest request) throws Exception {
    }

    /** Stop the attempt if it is still running; a no-op when it is unknown or finished. */
    void cancel(Region region, String fileId, int attempt) throws Exception;

    @Override
    default void close() throws Exception {
    }
}
