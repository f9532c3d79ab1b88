package io.fileconv.core;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

import java.net.URI;

/** How to reach an S3 API: real AWS (endpoint null) or any compatible server (path-style). */
public record ObjectStoreConfig(URI endpoint, String signingRegion, String accessKey, String secretKey,
                                boolean pathStyle) {

    /** Static keys when configured, else AWS' default chain (IRSA, Pod Identity, instance profile...). */
    public AwsCredentialsProvider credentialsProvider() {
        return accessKey == null ? DefaultCredentialsProvider.builder().build()
                : StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey));
    }

    /** A presigner for this store: links are signed for {@link #endpoint()} (the host is part of the signature). */
    public S3Presigner presigner() {
        S3Presigner.Builder b = S3Presigner.builder()
                .region(Region.of(signingRegion))
                .credentialsProvider(credentialsProvider())
                .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(pathStyle).build());
        if (endpoint != null) {
            b.endpointOverride(endpoint);
        }
        return b.build();
    }
}
