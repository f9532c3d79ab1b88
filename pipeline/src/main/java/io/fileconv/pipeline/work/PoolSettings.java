package io.fileconv.pipeline.work;

import java.time.Duration;

/**
 * The pooled converter mode (FILECONV_CONVERTER_MODE=pool): converter Jobs that serve many files each, fed by the
 * operator's work endpoint. docs/CONFIGURATION.md, "Operator", lists the variables.
 *
 * @param workPort         port of the work endpoint (FILECONV_WORK_PORT; 0 = any, tests)
 * @param workServiceUrl   how converter pods reach the leader's endpoint (the chart's Service)
 * @param lease            a claimed file goes back to the queue when not renewed for this long
 * @param minJobs          converter Jobs kept alive per region even without work (may be 0)
 * @param maxJobs          never more converter Jobs alive per region
 * @param idle             a converter pod exits after this long without work
 * @param maxLeaseLosses   a file whose lease was lost this many times ends FAILED (RESOURCES_EXHAUSTED)
 * @param largeBytes       inputs of at least this size go to the large-document lane
 * @param lifetime         activeDeadlineSeconds of a converter Job: a cap on a pod's life
 * @param workDir          where the pod keeps a document while converting (an emptyDir)
 * @param volumeLimit      sizeLimit of each emptyDir and the container's ephemeral-storage limit
 * @param volumeRequest    the container's ephemeral-storage request
 * @param backoffLimit     pod failures (not disruptions) before a converter Job gives up
 */
public record PoolSettings(int workPort, String workServiceUrl, Duration lease, int minJobs, int maxJobs,
                           Duration idle, int maxLeaseLosses, long largeBytes, Duration lifetime, String workDir,
                           String volumeLimit, String volumeRequest, int backoffLimit) {

    /** Longest long poll a claim may ask for: pods re-poll, and the leader may change under them. */
    public static final Duration MAX_CLAIM_WAIT = Duration.ofSeconds(30);

    public PoolSettings {
        if (maxJobs < 1) {
            throw new IllegalArgumentException("FILECONV_CONVERTER_MAX_JOBS must be at least 1, got " + maxJobs);
        }
        if (minJobs < 0 || minJobs > maxJobs) {
            throw new IllegalArgumentException("FILECONV_CONVERTER_MIN_JOBS must be between 0 and the maximum ("
                    + maxJobs + "), got " + minJobs);
        }
        if (lease.toSeconds() < 2) {
            throw new IllegalArgumentException("FILECONV_WORK_LEASE_SECONDS must be at least 2, got " + lease);
        }
        if (maxLeaseLosses < 1) {
            throw new IllegalArgumentException("FILECONV_WORK_MAX_LEASE_LOSSES must be at least 1");
        }
    }

    /** Large documents may hold at most all workers but one, so a small one always finds a worker. */
    public int maxLargeInFlight() {
        return Math.max(1, maxJobs - 1);
    }
}
