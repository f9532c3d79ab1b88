package io.fileconv.core;

import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

import java.net.URI;
import java.time.Duration;

/** How to reach an S3 API: real AWS (endpoint null) or any compatible server (path-style). */
public record ObjectStoreConfig(URI endpoint, String signingRegion, String accessKey, String secretKey,
                                boolean pathStyle) {

    /** Static keys when configured, else AWS' default chain (IRSA, Pod Identity, instance profile...). */
    public AwsCredentialsProvider credentialsProvider() {
        return accessKey == null ? DefaultCredentialsProvider.builder().build()
                : StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey));
    }

    /**
     * A presigner for this store, warmed up: links are signed for {@link #endpoint()} (the host is part of the
     * signature).
     */
    public S3Presigner presigner() {
        S3Presigner.Builder b = S3Presigner.builder()
                .region(Region.of(signingRegion))
                .credentialsProvider(credentialsProvider())
                .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(pathStyle).build());
        if (endpoint != null) {
            b.endpointOverride(endpoint);
        }
        S3Presigner presigner = b.build();
        warmUp(presigner);
        return presigner;
    }

    /**
     * A presigned link's lifetime as SigV4 allows it (1 s to 7 days; X-Amz-Expires counts whole seconds), else
     * {@link IllegalArgumentException} naming {@code what}: the store would refuse such a link only when it is used.
     */
    public static Duration requireLinkLifetime(Duration ttl, String what) {
        if (ttl.compareTo(Duration.ofSeconds(1)) < 0 || ttl.compareTo(Duration.ofDays(7)) > 0) {
            throw new IllegalArgumentException(what + " lives between 1 s and 7 days (SigV4), got " + ttl);
        }
        return ttl;
    }

    /**
     * The SDK's first presign loads and initialises its endpoint rules and signer; during an upload burst each pod's
     * first file waited ~2 s for it and its own first item parse (bench/pool-phases), and an API's first PDF link
     * would wait too. Signing sends no request, but with AWS' default credential chain it resolves credentials (IRSA,
     * instance metadata), which may fail for a moment at start: that is the first real link's to report, not a reason
     * for the process not to start.
     */
    private static void warmUp(S3Presigner presigner) {
        Duration ttl = Duration.ofMinutes(1);
        try {
            presigner.presignGetObject(p -> p.signatureDuration(ttl).getObjectRequest(g -> g.bucket("warm-up")
                    .key("warm-up").responseContentType("application/pdf").responseContentDisposition("attachment")));
            presigner.presignPutObject(p -> p.signatureDuration(ttl).putObjectRequest(o -> o.bucket("warm-up")
                    .key("warm-up").contentType("application/pdf")));
        } catch (RuntimeException e) {
            LoggerFactory.getLogger(ObjectStoreConfig.class)
                    .warn("presigner warm-up failed ({}); the first links will be slower", e.toString());
        }
    }
}
