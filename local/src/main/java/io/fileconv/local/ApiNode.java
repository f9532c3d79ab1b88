package io.fileconv.local;

import io.fileconv.api.ApiAssembly;
import io.fileconv.api.ApiSettings;
import io.fileconv.core.Env;
import io.fileconv.core.metrics.FileconvMetrics;
import io.fileconv.core.schema.SchemaGate;
import io.micrometer.core.instrument.MeterRegistry;

import java.nio.file.Path;
import java.util.function.BooleanSupplier;

/**
 * The API deployable's own wiring ({@link ApiAssembly}) with the embedded stack's defaults: the development issuer
 * (its key kept with the data, so tokens survive restarts), loopback, and the data directory for uploads in flight
 * ({@link ApiSettings#development}, which the API's tests use too).
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
        return new ApiNode(ApiAssembly.start(ApiSettings.development(env, dataDir, port, maxUploadBytes), metrics,
                () -> ready.getAsBoolean() ? null : "starting"));
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
