package io.fileconv.converter;

import io.fileconv.core.ObjectStore;
import io.fileconv.core.ObjectStoreConfig;
import io.fileconv.embedded.EmbeddedS3;
import io.fileconv.embedded.FreePorts;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A real S3 API for the worker tests (the embedded stack's {@link EmbeddedS3}: S3Proxy over jclouds' filesystem
 * backend, signature v4) and a presigner with the keys the worker never sees: what the operator does for each work item.
 */
final class PresigningS3 implements AutoCloseable {
    static final String BUCKET = "fileconv-test";
    static final String ACCESS_KEY = EmbeddedS3.ACCESS_KEY;
    static final String SECRET_KEY = EmbeddedS3.SECRET_KEY;

    private final EmbeddedS3 s3;
    private final ObjectStore store;
    private final S3Presigner presigner;
    private final URI endpoint;

    private PresigningS3(EmbeddedS3 s3, ObjectStore store, S3Presigner presigner, URI endpoint) {
        this.endpoint = endpoint;
        this.s3 = s3;
        this.store = store;
        this.presigner = presigner;
    }

    static PresigningS3 start(Path dir) throws Exception {
        EmbeddedS3 s3 = EmbeddedS3.start(dir, FreePorts.take());
        URI endpoint = s3.endpoint();
        ObjectStoreConfig cfg = new ObjectStoreConfig(endpoint, "us-east-1", ACCESS_KEY, SECRET_KEY, true);
        ObjectStore store = new ObjectStore(cfg);
        store.ensureBucket(BUCKET);
        S3Presigner presigner = S3Presigner.builder().region(Region.US_EAST_1).endpointOverride(endpoint)
                .credentialsProvider(cfg.credentialsProvider())
                .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true).build()).build();
        return new PresigningS3(s3, store, presigner, endpoint);
    }

    /** The S3 API's address (what a per-file converter Job gets as FILECONV_S3_ENDPOINT). */
    URI endpoint() {
        return endpoint;
    }

    void put(String key, byte[] bytes) throws IOException {
        store.put(BUCKET, key, bytes, "application/octet-stream");
    }

    boolean exists(String key) {
        return store.exists(BUCKET, key);
    }

    Path download(String key, Path target) throws IOException {
        store.download(BUCKET, key, target);
        return target;
    }

    String contentType(String key) {
        return store.client().headObject(r -> r.bucket(BUCKET).key(key)).contentType();
    }

    URI presignGet(String key, Duration ttl) {
        return URI.create(presigner.presignGetObject(p -> p.signatureDuration(ttl)
                .getObjectRequest(g -> g.bucket(BUCKET).key(key))).url().toString());
    }

    /** Signed for {@code Content-Type: application/pdf}, which the worker sends. */
    URI presignPut(String key, Duration ttl) {
        return URI.create(presigner.presignPutObject(p -> p.signatureDuration(ttl)
                .putObjectRequest(r -> r.bucket(BUCKET).key(key).contentType("application/pdf"))).url().toString());
    }

    @Override
    public void close() throws Exception {
        presigner.close();
        store.close();
        s3.close();
    }
}
