package io.fileconv.core;

import java.time.Instant;

/** One row of a region's files table. */
public record FileRecord(
        String id,
        String userId,
        Region region,
        String originalName,
        String detectedType,
        long sizeBytes,
        String sha256,
        String inputKey,
        String outputKey,
        FileStatus status,
        FailureClass failureClass,
        String failureReason,
        int attempts,
        String requestId,
        Instant createdAt,
        Instant updatedAt,
        Instant queuedAt,
        Instant startedAt,
        Instant finishedAt) {
}
