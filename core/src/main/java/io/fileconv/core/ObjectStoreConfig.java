package io.fileconv.core;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

import java.net.URI;

/** How to reach an S3 API: real AWS (endpoint null) or any compatible server (path-style). */
public record ObjectStoreConfig(URI endpoint, String signingRegion, String accessKey, String secretKey,
                                boolean pathStyle) {

    /** Static keys when configured, else AWS' default chain (IRSA, Pod Identity, instance profile...). */
    public AwsCredentialsProvider credentialsProvider() {
        return accessKey == null ? DefaultCredentialsProvider.builder().build()
                : StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey));
    }
}
