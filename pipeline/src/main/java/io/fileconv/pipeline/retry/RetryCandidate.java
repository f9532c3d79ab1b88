package io.fileconv.pipeline.retry;

/** A FAILED file the retry job may send back to UPLOADED: its id, the attempt that failed, and its owner. */
public record RetryCandidate(String id, int attempts, String userId) {
}
