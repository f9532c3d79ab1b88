package io.fileconv.api;

import io.fileconv.core.Env;
import io.fileconv.core.FileRepository;
import io.fileconv.core.ObjectStore;
import io.fileconv.core.ObjectStoreConfig;
import io.fileconv.core.Region;
import io.fileconv.core.metrics.FileconvMetrics;
import io.fileconv.core.testing.TestInfra;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * The API deployable's own wiring ({@link ApiAssembly}) with the development settings the embedded stack uses
 * ({@link ApiSettings#development}), on core's {@link TestInfra}: no Kafka, no dispatcher, no converter, so an
 * accepted upload stays UPLOADED. Hands tests what they used of local's EmbeddedStack.
 */
public final class TestApi implements AutoCloseable {
    private final TestInfra infra;
    private final Path dataDir;
    private final long maxUploadBytes;
    private final ApiAssembly api;

    private TestApi(TestInfra infra, Path dataDir, long maxUploadBytes, ApiAssembly api) {
        this.infra = infra;
        this.dataDir = dataDir;
        this.maxUploadBytes = maxUploadBytes;
        this.api = api;
    }

    /**
     * Starts an API on a free port with its data under {@code dataDir} (emptied first) and {@code settings} (e.g.
     * small limits) over the defaults, and waits until its schemas are usable.
     */
    public static TestApi start(TestInfra infra, Path dataDir, long maxUploadBytes, Map<String, String> settings)
            throws Exception {
        Path dir = dataDir.toAbsolutePath();
        TestInfra.deleteTree(dir);
        Env env = ApiSettings.development(infraEnv(infra).with(settings), dir, 0, maxUploadBytes);
        ApiAssembly api = ApiAssembly.start(env, FileconvMetrics.create("fileconv-api"), () -> null);
        try {
            // As the embedded stack's API is: serving only once its schemas are (TestInfra migrated them already).
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!api.schemaGate().isOpen()) {
                if (System.nanoTime() - deadline > 0) {
                    throw new IllegalStateException("schema gate still closed: " + api.schemaGate().reason());
                }
                Thread.sleep(50);
            }
            return new TestApi(infra, dir, maxUploadBytes, api);
        } catch (Exception | Error e) {
            api.close();
            throw e;
        }
    }

    /** The FILECONV_* settings that reach {@code infra}, as local's Endpoints writes them for the embedded stack. */
    static Env infraEnv(TestInfra infra) {
        ObjectStoreConfig s3 = infra.objectStoreConfig();
        Map<String, String> vars = new HashMap<>();
        vars.put("FILECONV_DB_URL", infra.jdbcBase());
        vars.put("FILECONV_DB_USER", "root");
        vars.put("FILECONV_DB_PASSWORD", "");
        vars.put("FILECONV_S3_ENDPOINT", s3.endpoint().toString());
        vars.put("FILECONV_S3_ACCESS_KEY", s3.accessKey());
        vars.put("FILECONV_S3_SECRET_KEY", s3.secretKey());
        vars.put("FILECONV_S3_REGION", s3.signingRegion());
        vars.put("FILECONV_S3_PATH_STYLE", Boolean.toString(s3.pathStyle()));
        return new Env(vars);
    }

    public String baseUrl() {
        return "http://localhost:" + api.port();
    }

    public int port() {
        return api.port();
    }

    public FileRepository files(Region region) {
        return infra.files(region);
    }

    public ObjectStore objectStore() {
        return infra.objectStore();
    }

    public long maxUploadBytes() {
        return maxUploadBytes;
    }

    /** Where the API keeps its issuer key and uploads in flight ({@link ApiSettings#development}). */
    public Path dataDir() {
        return dataDir;
    }

    /** The development issuer's key (RSA JWK), owner-only. */
    public Path devKeyFile() {
        return ApiSettings.devKeyFile(dataDir);
    }

    public TestInfra infra() {
        return infra;
    }

    @Override
    public void close() {
        api.close();
    }
}
