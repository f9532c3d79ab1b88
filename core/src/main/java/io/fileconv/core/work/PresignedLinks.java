package io.fileconv.core.work;

import io.fileconv.core.ObjectStoreConfig;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

import java.net.URI;
import java.time.Duration;

/**
 * Presigned URLs for one work item: a GET of its input and a PUT of its PDF, signed with the queue's own S3
 * credentials, so a converter worker needs none. Signed for the endpoint the workers reach (the host is part of
 * the signature); a PUT must send {@code Content-Type: application/pdf}, which is signed too.
 */
public final class PresignedLinks implements AutoCloseable {
    public static final String PDF = "application/pdf";
    public static final String PNG = "image/png";

    private final S3Presigner presigner;

    public PresignedLinks(ObjectStoreConfig cfg) {
        this.presigner = cfg.presigner();
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
        ObjectStoreConfig.requireLinkLifetime(ttl, "a presigned URL");
    }

    @Override
    public void close() {
        presigner.close();
    }
}
