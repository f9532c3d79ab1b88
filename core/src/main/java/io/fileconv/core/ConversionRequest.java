package io.fileconv.core;

/** What a launcher needs to convert one attempt of one file; everything else is looked up from ids. */
public record ConversionRequest(
        String fileId,
        String userId,
        Region region,
        String bucket,
        String inputKey,
        String outputKey,
        int attempt,
        String detectedType,
        String requestId) {

    /**
     * The launch of the row's current attempt: owner, type and request id from the row, object keys derived from
     * the ids (never read from anywhere).
     */
    public static ConversionRequest forRow(FileRecord row, String bucket) {
        return new ConversionRequest(row.id(), row.userId(), row.region(), bucket, S3Keys.input(row.userId(), row.id()),
                S3Keys.output(row.userId(), row.id()), row.attempts(), row.detectedType(), row.requestId());
    }

    /** Name of the Kubernetes FileConversion for this attempt: deterministic, so creating it twice is a no-op. */
    public String resourceName() {
        return "fc-" + fileId + "-" + attempt;
    }
}
