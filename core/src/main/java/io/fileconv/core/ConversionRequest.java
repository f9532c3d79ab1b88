package io.fileconv.core;

import io.fileconv.core.options.PdfOptions;

/** What a launcher needs to convert one attempt of one file (with its PDF options); the rest is looked up from ids. */
public record ConversionRequest(
        String fileId,
        String userId,
        Region region,
        String bucket,
        String inputKey,
        String outputKey,
        int attempt,
        String detectedType,
        String requestId,
        PdfOptions options) {

    public ConversionRequest {
        options = options == null ? PdfOptions.NONE : options;
    }

    /** A request without PDF options. */
    public ConversionRequest(String fileId, String userId, Region region, String bucket, String inputKey,
                             String outputKey, int attempt, String detectedType, String requestId) {
        this(fileId, userId, region, bucket, inputKey, outputKey, attempt, detectedType, requestId, PdfOptions.NONE);
    }

    /**
     * The launch of the row's current attempt: owner, type, request id and PDF options from the row, object keys derived from
     * the ids (never read from anywhere).
     */
    public static ConversionRequest forRow(FileRecord row, String bucket) {
        return new ConversionRequest(row.id(), row.userId(), row.region(), bucket, S3Keys.input(row.userId(), row.id()),
                S3Keys.output(row.userId(), row.id()), row.attempts(), row.detectedType(), row.requestId(), row.options());
    }
}
