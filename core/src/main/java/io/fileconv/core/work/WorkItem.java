package io.fileconv.core.work;

import io.fileconv.core.options.PdfOptions;

import java.net.URI;

/**
 * One attempt of one file handed to a converter worker: everything the worker needs and nothing more. The input
 * and output are reached through short-lived presigned URLs scoped to exactly those two objects, so a pooled
 * converter pod holds no storage credentials, and the lease id is its only handle on the work.
 *
 * @param leaseId        identifies this hand-out; heartbeats and the outcome name it
 * @param fileId         for logs only (the worker never builds keys or URLs itself)
 * @param attempt        for logs only
 * @param detectedType   the media type the API detected (decides the import filter)
 * @param sourceUrl      presigned GET of the uploaded input
 * @param targetUrl      presigned PUT of the PDF (content type application/pdf)
 * @param timeoutSeconds the document's conversion time limit, office (re)starts excluded
 * @param leaseSeconds   heartbeat at least this often or the work is given to another worker
 * @param options        the PDF options of the upload (never null)
 * @param password       the encrypted document's password, or null; only ever in this item (served over the
 *                       authenticated work endpoint, or in-process), never in a resource, an env var or a log
 * @param thumbnailUrl   presigned PUT of the first page's PNG (content type image/png), or null: no thumbnail
 */
public record WorkItem(String leaseId, String fileId, int attempt, String detectedType, URI sourceUrl, URI targetUrl,
                       int timeoutSeconds, int leaseSeconds, PdfOptions options, String password, URI thumbnailUrl) {

    public WorkItem {
        options = options == null ? PdfOptions.NONE : options;
    }

    /** A document without a password. */
    public WorkItem(String leaseId, String fileId, int attempt, String detectedType, URI sourceUrl, URI targetUrl,
                    int timeoutSeconds, int leaseSeconds, PdfOptions options) {
        this(leaseId, fileId, attempt, detectedType, sourceUrl, targetUrl, timeoutSeconds, leaseSeconds, options, null,
                null);
    }

    public WorkItem withPassword(String newPassword) {
        return new WorkItem(leaseId, fileId, attempt, detectedType, sourceUrl, targetUrl, timeoutSeconds, leaseSeconds,
                options, newPassword, thumbnailUrl);
    }

    public WorkItem withThumbnailUrl(URI url) {
        return new WorkItem(leaseId, fileId, attempt, detectedType, sourceUrl, targetUrl, timeoutSeconds, leaseSeconds,
                options, password, url);
    }

    /** Without the password and the presigned URLs (their signatures are credentials too). */
    @Override
    public String toString() {
        return "WorkItem[leaseId=" + leaseId + ", fileId=" + fileId + ", attempt=" + attempt + ", detectedType="
                + detectedType + ", password=" + (password == null ? "none" : "***") + "]";
    }
}
