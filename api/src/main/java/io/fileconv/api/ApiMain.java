package io.fileconv.api;

import com.zaxxer.hikari.HikariDataSource;
import io.fileconv.core.UserDirectory;
import io.fileconv.core.Databases;
import io.fileconv.core.Env;
import io.fileconv.core.FileRepository;
import io.fileconv.core.DownloadLinks;
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
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** The API as a deployable (one per region in Kubernetes), configured from the environment. */
public final class ApiMain {
    private static final Logger LOG = LoggerFactory.getLogger(ApiMain.class);

    private ApiMain() {
    }

    /** Not ready while the gate is closed, with its reason. */
    public static ReadinessProbe schemaReadiness(SchemaGate gate) {
        return gate::reason;
    }

    public static void main(String[] args) throws Exception {
        Env env = Env.system();
        ApiSettings settings = ApiSettings.from(env);
        List<Region> regions = env.regions();
        PrometheusMeterRegistry metrics = FileconvMetrics.create("fileconv-api");
        HikariDataSource directoryDs = Databases.pool(env.directoryDatabase(), Databases.DIRECTORY, 4, metrics);
        List<SchemaTarget> schemas = new ArrayList<>();
        Map<Region, RegionStore> stores = new EnumMap<>(Region.class);
        for (Region r : regions) {
            HikariDataSource ds = Databases.pool(env.regionalDatabase(), r.database(),
                    env.getInt("FILECONV_DB_POOL_SIZE", 16), metrics);
            schemas.add(new SchemaTarget(r.database(), SchemaKind.REGION, ds));
            stores.put(r, new RegionStore(r, new FileRepository(r, ds), env.bucket(r)));
        }
        schemas.add(new SchemaTarget(Databases.DIRECTORY, SchemaKind.DIRECTORY, directoryDs));
        // Serves /healthz at once; /readyz says which schema is missing until the gate opens (migrated here with
        // FILECONV_DB_MIGRATE=true, by the migration Job otherwise).
        SchemaGate schemaGate = new SchemaGate(env.migrateAtStart(), schemas);
        ObjectStore store = new ObjectStore(env.objectStore(), metrics);
        DevTokenIssuer devIssuer = null;
        JwtVerifier verifier;
        if (settings.devIssuer()) {
            devIssuer = new DevTokenIssuer(Path.of(env.get("FILECONV_DEV_KEY_FILE", "/tmp/fileconv/dev-issuer.jwk.json")),
                    settings.issuer(), settings.audience(), Duration.ofHours(1));
            verifier = new JwtVerifier(devIssuer.keySource(), settings.issuer(), settings.audience(),
                    settings.jwtTypes());
            LOG.warn("development token issuer is ON: anyone can obtain a token; never enable it in production");
        } else if (settings.jwksUrl() != null) {
            verifier = JwtVerifier.fromJwksUrl(settings.jwksUrl(), settings.issuer(), settings.audience(),
                    settings.jwtTypes());
        } else {
            throw new IllegalStateException("set FILECONV_JWT_JWKS_URL (or FILECONV_DEV_ISSUER=true for development)");
        }
        UserDirectory directory = new UserDirectory(directoryDs);
        CallerResolver callers = new CallerResolver(verifier, directory, stores, settings.regionUrls());
        DownloadLinks links = DownloadLinks.fromEnv(env);
        UploadLimits limits = UploadLimits.from(env);
        FilesController files = new FilesController(callers, store, new TypeDetector(),
                new ArchiveInspector(ArchiveInspector.Limits.defaults()), settings.maxUploadBytes(),
                new PipelineMetrics(metrics), links, UserUploadLimiter.inMySql(limits, metrics),
                new ImagePixels(limits.maxImagePixels()))
                .withEraser(new FileEraser(store, new DeletionMetrics(metrics).withRegions(regions)))
                .withWebhooks(WebhookAddressPolicy.from(env));
        Path multipart = Files.createDirectories(Path.of(env.get("FILECONV_MULTIPART_DIR",
                System.getProperty("java.io.tmpdir") + "/fileconv-multipart")));
        ApiServer server = new ApiServer(settings, files, devIssuer, directory, regions, schemaReadiness(schemaGate)
                .and(new ReadinessCheck(stores.values(), store)), multipart, metrics).start();
        schemaGate.openInBackground(() -> LOG.info("schemas ready; serving"));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            if (links != null) {
                links.close();
            }
        }, "shutdown"));
        LOG.info("fileconv API serving regions {} on port {}", regions, server.port());
    }
}
