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

    /** Name of the Kubernetes FileConversion for this attempt: deterministic, so creating it twice is a no-op. */
    public String resourceName() {
        return "fc-" + fileId + "-" + attempt;
    }
}
