package io.fileconv.pipeline.work;

import io.fileconv.core.FileRecord;
import io.fileconv.core.Region;
import io.fileconv.core.options.PdfOptions;
import io.fileconv.pipeline.status.ConversionAttempt;

/**
 * One FileConversion waiting for (or held by) a pooled converter. Ids come from the files row, never from the
 * resource's S3 locations: the object keys are derived from them (S3Keys).
 *
 * @param key         the FileConversion's name
 * @param cost        the input's size in bytes (decides the lane)
 * @param leaseLosses how often a pod holding it was lost so far (kept in the resource's status)
 * @param options     the upload's PDF options, from the row like the owner and the type
 */
public record WorkRequest(String key, Region region, String fileId, String userId, int attempt, String detectedType,
                          long cost, int leaseLosses, PdfOptions options) {

    /** The request of the row's current attempt; its cost is the input's size (the lane it waits in). */
    public static WorkRequest of(String key, FileRecord row, int leaseLosses) {
        return new WorkRequest(key, row.region(), row.id(), row.userId(), row.attempts(), row.detectedType(),
                row.sizeBytes(), leaseLosses, row.options());
    }

    public ConversionAttempt conversionAttempt() {
        return new ConversionAttempt(region, fileId, attempt);
    }

    public WorkRequest lostOnceMore() {
        return new WorkRequest(key, region, fileId, userId, attempt, detectedType, cost, leaseLosses + 1, options);
    }
}
