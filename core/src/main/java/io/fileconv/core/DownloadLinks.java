package io.fileconv.core;

import software.amazon.awssdk.services.s3.presigner.S3Presigner;

import java.net.URI;
import java.time.Duration;

/**
 * Short-lived presigned GET links, so clients download PDFs from S3 directly instead of through the API. Signed
 * for the public endpoint ({@code FILECONV_S3_PUBLIC_ENDPOINT}, default the API's own S3 endpoint): the host is part
 * of the signature, so the link must name the address the client will use.
 */
public final class DownloadLinks implements AutoCloseable {
    private final S3Presigner presigner;
    private final Duration ttl;

    public DownloadLinks(ObjectStoreConfig cfg, Duration ttl) {
        this.ttl = ObjectStoreConfig.requireLinkLifetime(ttl, "a download link");
        this.presigner = cfg.presigner();
    }

    /** Links when {@code FILECONV_PDF_LINK_SECONDS} is above 0, else null: the API streams the PDF itself. */
    public static DownloadLinks fromEnv(Env env) {
        long seconds = env.getLong("FILECONV_PDF_LINK_SECONDS", 0);
        if (seconds <= 0) {
            return null;
        }
        ObjectStoreConfig api = env.objectStore();
        String publicEndpoint = env.get("FILECONV_S3_PUBLIC_ENDPOINT", null);
        ObjectStoreConfig cfg = publicEndpoint == null ? api : new ObjectStoreConfig(URI.create(publicEndpoint),
                api.signingRegion(), api.accessKey(), api.secretKey(), api.pathStyle());
        return new DownloadLinks(cfg, Duration.ofSeconds(seconds));
    }

    /**
     * @param contentDisposition the header S3 must answer with, so the browser saves the file under its name
     */
    public URI link(String bucket, String key, String contentType, String contentDisposition) {
        return URI.create(presigner.presignGetObject(p -> p.signatureDuration(ttl).getObjectRequest(g -> g
                .bucket(bucket).key(key).responseContentType(contentType)
                .responseContentDisposition(contentDisposition))).url().toString());
    }

    @Override
    public void close() {
        presigner.close();
    }
}
