package io.fileconv.operator.retry;

/** A FAILED file the retry job may send back to UPLOADED: its id and the attempt that failed. */
public record RetryCandidate(String id, int attempts) {
}
