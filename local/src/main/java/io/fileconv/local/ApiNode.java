package io.fileconv.local;

import com.zaxxer.hikari.HikariDataSource;
import io.fileconv.api.ApiMain;
import io.fileconv.api.ApiServer;
import io.fileconv.api.ApiSettings;
import io.fileconv.api.ArchiveInspector;
import io.fileconv.api.CallerResolver;
import io.fileconv.api.DevTokenIssuer;
import io.fileconv.api.FilesController;
import io.fileconv.api.HttpLimits;
import io.fileconv.api.ImagePixels;
import io.fileconv.api.UploadLimits;
import io.fileconv.api.UserUploadLimiter;
import io.fileconv.api.JwtVerifier;
import io.fileconv.api.ReadinessCheck;
import io.fileconv.api.RegionStore;
import io.fileconv.api.TypeDetector;
import io.fileconv.core.UserDirectory;
import io.fileconv.core.Databases;
import io.fileconv.core.DownloadLinks;
import io.fileconv.core.Env;
import io.fileconv.core.FileRepository;
import io.fileconv.core.ObjectStore;
import io.fileconv.core.deletion.FileEraser;
import io.fileconv.core.metrics.DeletionMetrics;
import io.fileconv.core.ReadinessProbe;
import io.fileconv.core.Region;
import io.fileconv.core.schema.SchemaGate;
import io.fileconv.core.schema.SchemaKind;
import io.fileconv.core.schema.SchemaTarget;
import io.fileconv.core.metrics.FileconvMetrics;
import io.fileconv.core.metrics.PipelineMetrics;
import io.fileconv.core.webhook.WebhookAddressPolicy;
import io.micrometer.core.instrument.MeterRegistry;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/** The API with the development issuer, serving every region, as the embedded stack runs it. */
public final class ApiNode implements AutoCloseable {
    private final Deque<AutoCloseable> toClose = new ArrayDeque<>();
    private ApiServer server;
    private SchemaGate schemaGate;

    public static ApiNode start(Env env, Path dataDir, int port, long maxUploadBytes, BooleanSupplier ready)
            throws Exception {
        return start(env, dataDir, port, maxUploadBytes, ready, FileconvMetrics.create("fileconv-api"));
    }

    /** @param metrics the registry served at /metrics (the embedded stack shares it with its worker) */
    public static ApiNode start(Env env, Path dataDir, int port, long maxUploadBytes, BooleanSupplier ready,
                                MeterRegistry metrics) throws Exception {
        ApiNode node = new ApiNode();
        try {
            node.boot(env, dataDir, port, maxUploadBytes, ready, metrics);
            return node;
        } catch (Exception | Error e) {
            node.close();
            throw e;
        }
    }

    private void boot(Env env, Path dataDir, int port, long maxUploadBytes, BooleanSupplier ready,
                      MeterRegistry metrics) throws Exception {
        List<Region> regions = env.regions();
        // The development issuer mints a token for anyone who asks: listen on loopback unless FILECONV_BIND_HOST says
        // otherwise (e.g. 0.0.0.0 to let other machines in, and with them anyone who can reach the port).
        ApiSettings settings = new ApiSettings(port, maxUploadBytes, "fileconv-dev", "fileconv", null, true, Map.of(),
                env.get("FILECONV_BIND_HOST", "127.0.0.1"), JwtVerifier.parseTypes(env.get("FILECONV_JWT_TYPES",
                "at+jwt")), HttpLimits.from(env));
        // The key lives with the data, so tokens stay valid across restarts of the API process.
        DevTokenIssuer issuer = new DevTokenIssuer(dataDir.resolve("keys").resolve("dev-issuer.jwk.json"),
                settings.issuer(), settings.audience(), Duration.ofHours(8));
        HikariDataSource directoryDs = push(Databases.pool(env.directoryDatabase(), Databases.DIRECTORY, 4, metrics,
                "api-fileconv_directory"));
        UserDirectory directory = new UserDirectory(directoryDs);
        List<SchemaTarget> schemas = new ArrayList<>();
        Map<Region, RegionStore> stores = new EnumMap<>(Region.class);
        for (Region r : regions) {
            HikariDataSource ds = push(Databases.pool(env.regionalDatabase(), r.database(), 8, metrics,
                    "api-" + r.database()));
            schemas.add(new SchemaTarget(r.database(), SchemaKind.REGION, ds));
            stores.put(r, new RegionStore(r, new FileRepository(r, ds), env.bucket(r)));
        }
        schemas.add(new SchemaTarget(Databases.DIRECTORY, SchemaKind.DIRECTORY, directoryDs));
        schemaGate = push(new SchemaGate(env.migrateAtStart(), schemas));
        ObjectStore store = push(new ObjectStore(env.objectStore(), metrics));
        CallerResolver callers = new CallerResolver(new JwtVerifier(issuer.keySource(), issuer.issuer(),
                issuer.audience(), settings.jwtTypes()), directory, stores, Map.of());
        DownloadLinks links = DownloadLinks.fromEnv(env);
        if (links != null) {
            push(links);
        }
        UploadLimits limits = UploadLimits.from(env);
        FilesController files = new FilesController(callers, store, new TypeDetector(),
                new ArchiveInspector(ArchiveInspector.Limits.defaults()), maxUploadBytes, new PipelineMetrics(metrics),
                links, UserUploadLimiter.inMySql(limits, metrics), new ImagePixels(limits.maxImagePixels()))
                .withEraser(new FileEraser(store, new DeletionMetrics(metrics).withRegions(regions)))
                .withWebhooks(WebhookAddressPolicy.from(env));
        ReadinessProbe readiness = ApiMain.schemaReadiness(schemaGate)
                .and(() -> ready.getAsBoolean() ? null : "starting")
                .and(new ReadinessCheck(stores.values(), store));
        server = push(new ApiServer(settings, files, issuer, directory, regions, readiness,
                Files.createDirectories(dataDir.resolve("multipart")), metrics).start());
        schemaGate.openInBackground(() -> { });
    }

    private <T extends AutoCloseable> T push(T c) {
        toClose.push(c);
        return c;
    }

    /** Open once every schema this API uses is at the version it ships (FILECONV_DB_MIGRATE). */
    public SchemaGate schemaGate() {
        return schemaGate;
    }

    public int port() {
        return server.port();
    }

    @Override
    public void close() {
        while (!toClose.isEmpty()) {
            try {
                toClose.pop().close();
            } catch (Exception | Error e) {
                org.slf4j.LoggerFactory.getLogger(ApiNode.class).warn("stopping API part failed: {}", e.toString());
            }
        }
    }
}
