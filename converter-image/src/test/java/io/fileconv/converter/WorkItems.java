package io.fileconv.converter;

import io.fileconv.core.options.PdfOptions;
import io.fileconv.core.work.WorkItem;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.UUID;

/** Builds work items the way the operator does: the input uploaded, a presigned GET for it and a PUT for the PDF. */
final class WorkItems {
    static final Duration TTL = Duration.ofMinutes(10);

    private final PresigningS3 s3;

    WorkItems(PresigningS3 s3) {
        this.s3 = s3;
    }

    /** A work item whose lease id is also its file id. */
    WorkItem upload(byte[] bytes, String mediaType) throws IOException {
        return upload(bytes, mediaType, 30);
    }

    WorkItem upload(byte[] bytes, String mediaType, int leaseSeconds) throws IOException {
        return upload(bytes, mediaType, leaseSeconds, PdfOptions.NONE);
    }

    WorkItem upload(byte[] bytes, String mediaType, int leaseSeconds, PdfOptions options) throws IOException {
        String id = UUID.randomUUID().toString();
        s3.put(inputKey(id), bytes);
        return new WorkItem(id, id, 1, mediaType, s3.presignGet(inputKey(id), TTL), s3.presignPut(outputKey(id), TTL),
                60, leaseSeconds, options);
    }

    static String inputKey(String id) {
        return "user/" + id + "/input";
    }

    static String outputKey(String id) {
        return "user/" + id + "/output.pdf";
    }

    static WorkItem withUrls(WorkItem w, URI source, URI target) {
        return new WorkItem(w.leaseId(), w.fileId(), w.attempt(), w.detectedType(), source, target, w.timeoutSeconds(),
                w.leaseSeconds(), w.options());
    }

    static WorkItem withTimeout(WorkItem w, int timeoutSeconds) {
        return new WorkItem(w.leaseId(), w.fileId(), w.attempt(), w.detectedType(), w.sourceUrl(), w.targetUrl(),
                timeoutSeconds, w.leaseSeconds(), w.options());
    }

    /** The same URL with its signature's last hex digit changed. */
    static URI tampered(URI url) {
        String s = url.toString();
        int i = s.indexOf("X-Amz-Signature=") + "X-Amz-Signature=".length() + 10;
        char c = s.charAt(i) == '0' ? '1' : '0';
        return URI.create(s.substring(0, i) + c + s.substring(i + 1));
    }
}
