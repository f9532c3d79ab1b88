package io.fileconv.core;

import io.fileconv.core.options.PdfOptions;

import java.time.Instant;

/** One row of a region's files table; {@code options} is never null ({@link PdfOptions#NONE} when none asked). */
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
        Instant finishedAt,
        PdfOptions options) {

    public FileRecord {
        options = options == null ? PdfOptions.NONE : options;
    }

    /** A row without PDF options. */
    public FileRecord(String id, String userId, Region region, String originalName, String detectedType, long sizeBytes,
                      String sha256, String inputKey, String outputKey, FileStatus status, FailureClass failureClass,
                      String failureReason, int attempts, String requestId, Instant createdAt, Instant updatedAt,
                      Instant queuedAt, Instant startedAt, Instant finishedAt) {
        this(id, userId, region, originalName, detectedType, sizeBytes, sha256, inputKey, outputKey, status,
                failureClass, failureReason, attempts, requestId, createdAt, updatedAt, queuedAt, startedAt, finishedAt,
                PdfOptions.NONE);
    }
}
