package io.fileconv.core;

/**
 * The port between the dispatcher and whatever runs conversions: an in-process pool in the embedded stack
 * ({@code LocalLauncher}), a FileConversion custom resource and a Job in Kubernetes ({@code KubernetesLauncher}).
 * Both calls must be idempotent per (file, attempt): Kafka delivers at least once.
 */
public interface ConversionLauncher extends AutoCloseable {

    void launch(ConversionRequest request) throws Exception;

    /** Stop the attempt if it is still running; a no-op when it is unknown or finished. */
    void cancel(Region region, String fileId, int attempt) throws Exception;

    @Override
    default void close() throws Exception {
    }
}
