package io.fileconv.core;

import io.fileconv.core.metrics.S3RequestMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;

/** The S3 API as every process uses it. Files are sent from disk (RequestBody.fromFile): never held whole in memory. */
public class ObjectStore implements AutoCloseable {

    /** Concurrent S3 requests of one process: above the API's and operator's own concurrency, so none queues here. */
    static final int MAX_CONNECTIONS = 128;

    private final S3Client s3;

    public ObjectStore(ObjectStoreConfig cfg) {
        this(cfg, null);
    }

    /** @param registry where S3 request latency and errors go ({@link S3RequestMetrics}); null for none */
    public ObjectStore(ObjectStoreConfig cfg, MeterRegistry registry) {
        S3ClientBuilder b = S3Client.builder()
                .httpClientBuilder(Apache5HttpClient.builder()
                        .maxConnections(MAX_CONNECTIONS)
                        .connectionTimeout(Duration.ofSeconds(5))
                        .socketTimeout(Duration.ofSeconds(60)))
                .region(Region.of(cfg.signingRegion()))
                // S3-compatible servers (S3Proxy, MinIO, Ceph) reject the SDK's default trailing checksums.
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .forcePathStyle(cfg.pathStyle());
        if (cfg.endpoint() != null) {
            b.endpointOverride(cfg.endpoint());
        } else {
            // AWS: a region move copies into a bucket of another region (another cell); follow S3's redirects.
            b.crossRegionAccessEnabled(true);
        }
        if (registry != null) {
            b.overrideConfiguration(o -> o.addExecutionInterceptor(new S3RequestMetrics(registry)));
        }
        b.credentialsProvider(cfg.credentialsProvider());
        this.s3 = b.build();
    }

    public S3Client client() {
        return s3;
    }

    public void ensureBucket(String bucket) {
        try {
            s3.headBucket(r -> r.bucket(bucket));
        } catch (S3Exception e) {
            if (e.statusCode() != 404) {
                throw e;
            }
            s3.createBucket(r -> r.bucket(bucket));
        }
    }

    /** Stores small objects the tests and tools write from memory. */
    public void put(String bucket, String key, byte[] bytes, String contentType) {
        s3.putObject(r -> r.bucket(bucket).key(key).contentType(contentType), RequestBody.fromBytes(bytes));
    }

    public void putFile(String bucket, String key, Path file, String contentType) {
        s3.putObject(r -> r.bucket(bucket).key(key).contentType(contentType), RequestBody.fromFile(file));
    }

    public void download(String bucket, String key, Path target) throws IOException {
        try (InputStream in = s3.getObject(r -> r.bucket(bucket).key(key), ResponseTransformer.toInputStream())) {
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    public InputStream open(String bucket, String key) {
        return s3.getObject(r -> r.bucket(bucket).key(key), ResponseTransformer.toInputStream());
    }

    public boolean exists(String bucket, String key) {
        return size(bucket, key) >= 0;
    }

    /** The object's size in bytes, or -1 when there is no such object. */
    public long size(String bucket, String key) {
        try {
            return s3.headObject(r -> r.bucket(bucket).key(key)).contentLength();
        } catch (NoSuchKeyException e) {
            return -1;
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return -1;
            }
            throw e;
        }
    }

    /** Server-side copy under the same key into another bucket (a region move); the bytes never pass through us. */
    public void copy(String fromBucket, String key, String toBucket) {
        s3.copyObject(r -> r.sourceBucket(fromBucket).sourceKey(key).destinationBucket(toBucket).destinationKey(key));
    }

    public void delete(String bucket, String key) {
        s3.deleteObject(r -> r.bucket(bucket).key(key));
    }

    /**
     * Removes everything under {@code prefix}: unfinished multipart uploads are aborted first (their parts are
     * stored data too and would otherwise outlive the objects), then every object is deleted. Returns the number of
     * objects and uploads removed; a repeat removes nothing and returns 0.
     */
    public int deleteUnder(String bucket, String prefix) {
        if (!prefix.endsWith("/")) {
            throw new IllegalArgumentException("a prefix to delete must end with '/': " + prefix);
        }
        int removed = 0;
        for (MultipartUpload u : s3.listMultipartUploadsPaginator(r -> r.bucket(bucket).prefix(prefix)).uploads()) {
            s3.abortMultipartUpload(r -> r.bucket(bucket).key(u.key()).uploadId(u.uploadId()));
            removed++;
        }
        for (S3Object o : s3.listObjectsV2Paginator(r -> r.bucket(bucket).prefix(prefix)).contents()) {
            s3.deleteObject(r -> r.bucket(bucket).key(o.key()));
            removed++;
        }
        return removed;
    }





    @Override
    public void close() {
        s3.close();
    }
}
