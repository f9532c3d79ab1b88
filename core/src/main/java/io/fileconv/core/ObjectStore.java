package io.fileconv.core;

import io.fileconv.core.metrics.S3RequestMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.AbortMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompletedMultipartUpload;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** The S3 API as every process uses it. Uploads stream in bounded parts: a file is never held whole in memory. */
public class ObjectStore implements AutoCloseable {
    static final int PART_SIZE = 8 * 1024 * 1024;

    private final S3Client s3;

    public ObjectStore(ObjectStoreConfig cfg) {
        this(cfg, null);
    }

    /** @param registry where S3 request latency and errors go ({@link S3RequestMetrics}); null for none */
    public ObjectStore(ObjectStoreConfig cfg, MeterRegistry registry) {
        S3ClientBuilder b = S3Client.builder()
                .httpClientBuilder(UrlConnectionHttpClient.builder()
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

    /** Size and SHA-256 of what was stored. */
    public record StoredObject(long size, String sha256) {
    }

    /** Thrown when a stream passes its size limit; the partial object is removed before this is thrown. */
    public static class TooLargeException extends IOException {
        public TooLargeException(long limit) {
            super("larger than the limit of " + limit + " bytes");
        }
    }

    /**
     * Streams {@code in} to {@code key}, computing size and SHA-256 on the way, and stops at {@code maxBytes}
     * leaving nothing behind. Small objects take one PUT; larger ones a multipart upload of 8 MiB parts.
     */
    public StoredObject putStream(String bucket, String key, InputStream in, long maxBytes, String contentType)
            throws IOException {
        MessageDigest sha = sha256();
        // The first part is read into a buffer that grows with the data: a 100 KB upload costs ~100 KB, not 8 MiB.
        byte[] buf = readFirstPart(in);
        int n = buf.length;
        long total = n;
        if (total > maxBytes) {
            throw new TooLargeException(maxBytes);
        }
        sha.update(buf, 0, n);
        if (n < PART_SIZE) {
            s3.putObject(r -> r.bucket(bucket).key(key).contentType(contentType), RequestBody.fromBytes(buf));
            return new StoredObject(total, HexFormat.of().formatHex(sha.digest()));
        }
        buf = java.util.Arrays.copyOf(buf, PART_SIZE);
        String uploadId = s3.createMultipartUpload(CreateMultipartUploadRequest.builder().bucket(bucket).key(key)
                .contentType(contentType).build()).uploadId();
        List<CompletedPart> parts = new ArrayList<>();
        try {
            int partNo = 1;
            while (n > 0) {
                int pn = partNo;
                String etag = s3.uploadPart(UploadPartRequest.builder().bucket(bucket).key(key).uploadId(uploadId)
                        .partNumber(pn).build(), RequestBody.fromBytes(copy(buf, n))).eTag();
                parts.add(CompletedPart.builder().partNumber(pn).eTag(etag).build());
                partNo++;
                n = readFully(in, buf);
                total += n;
                if (total > maxBytes) {
                    throw new TooLargeException(maxBytes);
                }
                sha.update(buf, 0, n);
            }
            s3.completeMultipartUpload(CompleteMultipartUploadRequest.builder().bucket(bucket).key(key)
                    .uploadId(uploadId).multipartUpload(CompletedMultipartUpload.builder().parts(parts).build()).build());
            return new StoredObject(total, HexFormat.of().formatHex(sha.digest()));
        } catch (IOException | RuntimeException e) {
            s3.abortMultipartUpload(AbortMultipartUploadRequest.builder().bucket(bucket).key(key).uploadId(uploadId)
                    .build());
            throw e;
        }
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

    private static byte[] readFirstPart(InputStream in) throws IOException {
        java.io.ByteArrayOutputStream first = new java.io.ByteArrayOutputStream(64 * 1024);
        byte[] chunk = new byte[64 * 1024];
        while (first.size() < PART_SIZE) {
            int r = in.read(chunk, 0, Math.min(chunk.length, PART_SIZE - first.size()));
            if (r < 0) {
                break;
            }
            first.write(chunk, 0, r);
        }
        return first.toByteArray();
    }

    private static int readFully(InputStream in, byte[] buf) throws IOException {
        int off = 0;
        while (off < buf.length) {
            int r = in.read(buf, off, buf.length - off);
            if (r < 0) {
                break;
            }
            off += r;
        }
        return off;
    }

    private static byte[] copy(byte[] buf, int n) {
        byte[] out = new byte[n];
        System.arraycopy(buf, 0, out, 0, n);
        return out;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        s3.close();
    }
}
