package io.fileconv.core;

import java.net.URI;

/** How to reach an S3 API: real AWS (endpoint null) or any compatible server (path-style). */
public record ObjectStoreConfig(URI endpoint, String signingRegion, String accessKey, String secretKey,
                                boolean pathStyle) {
}
