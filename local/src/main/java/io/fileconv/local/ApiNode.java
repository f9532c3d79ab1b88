package io.fileconv.local;

import io.fileconv.api.ApiAssembly;
import io.fileconv.core.Env;
import io.fileconv.core.metrics.FileconvMetrics;
import io.fileconv.core.schema.SchemaGate;
import io.micrometer.core.instrument.MeterRegistry;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * The API deployable's own wiring ({@link ApiAssembly}) with the embedded stack's defaults: the development issuer
 * (its key kept with the data, so tokens survive restarts), loopback, and the data directory for uploads in flight.
 */
public final class ApiNode implements AutoCloseable {
    private final ApiAssembly api;

    private ApiNode(ApiAssembly api) {
        this.api = api;
    }

    public static ApiNode start(Env env, Path dataDir, int port, long maxUploadBytes, BooleanSupplier ready)
            throws Exception {
        return start(env, dataDir, port, maxUploadBytes, ready, FileconvMetrics.create("fileconv-api"));
    }

    /** @param metrics the registry served at /metrics (the embedded stack shares it with its worker) */
    public static ApiNode start(Env env, Path dataDir, int port, long maxUploadBytes, BooleanSupplier ready,
                                MeterRegistry metrics) throws Exception {
        return new ApiNode(ApiAssembly.start(embeddedDefaults(env, dataDir, port, maxUploadBytes), metrics,
                () -> ready.getAsBoolean() ? null : "starting"));
    }

    /** {@code env} with what the embedded stack fixes (port, size limit, dev issuer, paths) and its defaults. */
    static Env embeddedDefaults(Env env, Path dataDir, int port, long maxUploadBytes) {
        Map<String, String> vars = new HashMap<>();
        vars.put("FILECONV_PORT", Integer.toString(port));
        vars.put("FILECONV_MAX_UPLOAD_BYTES", Long.toString(maxUploadBytes));
        vars.put("FILECONV_DEV_ISSUER", "true");
        vars.put("FILECONV_DEV_KEY_FILE", dataDir.resolve("keys").resolve("dev-issuer.jwk.json").toString());
        vars.put("FILECONV_MULTIPART_DIR", dataDir.resolve("multipart").toString());
        // The development issuer mints a token for anyone who asks: loopback unless FILECONV_BIND_HOST says
        // otherwise (e.g. 0.0.0.0 to let other machines in, and with them anyone who can reach the port).
        vars.put("FILECONV_BIND_HOST", env.get("FILECONV_BIND_HOST", "127.0.0.1"));
        vars.put("FILECONV_DEV_TOKEN_MINUTES", env.get("FILECONV_DEV_TOKEN_MINUTES", "480"));
        vars.put("FILECONV_DB_POOL_SIZE", env.get("FILECONV_DB_POOL_SIZE", "8"));
        return env.with(vars);
    }

    /** Open once every schema this API uses is at the version it ships (FILECONV_DB_MIGRATE). */
    public SchemaGate schemaGate() {
        return api.schemaGate();
    }

    public int port() {
        return api.port();
    }

    @Override
    public void close() {
        api.close();
    }
}
