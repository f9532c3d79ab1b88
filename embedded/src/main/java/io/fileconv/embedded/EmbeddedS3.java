package io.fileconv.embedded;

import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.BlobStoreContext;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

/** An S3 API server (S3Proxy over jclouds' filesystem backend) on loopback, with signature-v4 authentication. */
public final class EmbeddedS3 implements AutoCloseable {
    public static final String ACCESS_KEY = "fileconv-local";
    public static final String SECRET_KEY = "fileconv-local-secret";

    private final S3Proxy proxy;
    private final BlobStoreContext context;
    private final URI endpoint;
    private final S3Traffic traffic;

    private EmbeddedS3(S3Proxy proxy, BlobStoreContext context, URI endpoint, S3Traffic traffic) {
        this.proxy = proxy;
        this.context = context;
        this.endpoint = endpoint;
        this.traffic = traffic;
    }

    public static EmbeddedS3 start(Path dir, int port) throws Exception {
        Files.createDirectories(dir);
        Properties props = new Properties();
        props.setProperty("jclouds.filesystem.basedir", dir.toAbsolutePath().toString());
        BlobStoreContext ctx = ContextBuilder.newBuilder("filesystem").overrides(props).build(BlobStoreContext.class);
        URI endpoint = URI.create("http://127.0.0.1:" + port);
        S3Traffic traffic = new S3Traffic();
        BlobStore store = traffic.wrap(ctx.getBlobStore());
        S3Proxy proxy = S3Proxy.builder().blobStore(store).endpoint(endpoint)
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY).build();
        // Called once per authenticated request: the request count. Same answer as without it (one identity).
        proxy.setBlobStoreLocator((identity, container, blob) -> {
            traffic.request();
            return ACCESS_KEY.equals(identity) ? Map.entry(SECRET_KEY, store) : null;
        });
        proxy.start();
        while (!proxy.getState().equals("STARTED")) {
            Thread.sleep(20);
        }
        return new EmbeddedS3(proxy, ctx, endpoint, traffic);
    }

    /** What this server has been asked since it started. */
    public S3Traffic.Counts traffic() {
        return traffic.counts();
    }

    public URI endpoint() {
        return endpoint;
    }

    @Override
    public void close() throws Exception {
        proxy.stop();
        context.close();
    }
}
