package io.fileconv.core.work;

import io.fileconv.core.ObjectStoreConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

import java.net.URI;
import java.time.Duration;

/**
 * Presigned URLs for one work item: a GET of its input and a PUT of its PDF, signed with the queue's own S3
 * credentials, so a converter worker needs none. Signed for the endpoint the workers reach (the host is part of
 * the signature); a PUT must send {@code Content-Type: application/pdf}, which is signed too.
 */
public final class PresignedLinks implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PresignedLinks.class);
    public static final String PDF = "application/pdf";
    public static final String PNG = "image/png";

    private final S3Presigner presigner;

    public PresignedLinks(ObjectStoreConfig cfg) {
        this.presigner = cfg.presigner();
        warmUp();
    }

    /**
     * The SDK's first presign loads and initialises its endpoint rules and signer; during an upload burst each pod's
     * first file waited ~2 s for it and its own first item parse (bench/pool-phases). Signing sends no request, but
     * with AWS' default credential chain it resolves credentials (IRSA, instance metadata), which may fail for a
     * moment at start: that is the first real link's to report, not a reason for the process not to start.
     */
    private void warmUp() {
        try {
            get("warm-up", "warm-up", Duration.ofMinutes(1));
            putPdf("warm-up", "warm-up", Duration.ofMinutes(1));
        } catch (RuntimeException e) {
            LOG.warn("presigner warm-up failed ({}); the first links will be slower", e.toString());
        }
    }

    public URI get(String bucket, String key, Duration ttl) {
        check(ttl);
        return URI.create(presigner.presignGetObject(p -> p.signatureDuration(ttl)
                .getObjectRequest(g -> g.bucket(bucket).key(key))).url().toString());
    }

    public URI putPdf(String bucket, String key, Duration ttl) {
        check(ttl);
        return URI.create(presigner.presignPutObject(p -> p.signatureDuration(ttl)
                .putObjectRequest(o -> o.bucket(bucket).key(key).contentType(PDF))).url().toString());
    }

    /** A PUT of the thumbnail, which must send {@code Content-Type: image/png}. */
    public URI putPng(String bucket, String key, Duration ttl) {
        check(ttl);
        return URI.create(presigner.presignPutObject(p -> p.signatureDuration(ttl)
                .putObjectRequest(o -> o.bucket(bucket).key(key).contentType(PNG))).url().toString());
    }

    private static void check(Duration ttl) {
        if (ttl.isNegative() || ttl.isZero() || ttl.compareTo(Duration.ofDays(7)) > 0) {
            throw new IllegalArgumentException("a presigned URL lives between 1 s and 7 days (SigV4), got " + ttl);
        }
    }

    @Override
    public void close() {
        presigner.close();
    }
}
