package io.fileconv.api;

import io.fileconv.core.Closer;
import io.fileconv.core.DownloadLinks;
import io.fileconv.core.Env;
import io.fileconv.core.ObjectStore;
import io.fileconv.core.ReadinessProbe;
import io.fileconv.core.Region;
import io.fileconv.core.RegionDatabases;
import io.fileconv.core.UserDirectory;
import io.fileconv.core.deletion.FileEraser;
import io.fileconv.core.metrics.DeletionMetrics;
import io.fileconv.core.metrics.PipelineMetrics;
import io.fileconv.core.schema.SchemaGate;
import io.fileconv.core.webhook.WebhookAddressPolicy;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The API deployable's one wiring, from FILECONV_* settings: {@link ApiMain} runs it in a pod, the embedded stack
 * with its own defaults (local ApiNode). A setting or a component added here reaches both.
 */
public final class ApiAssembly implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ApiAssembly.class);

    private final Closer parts = new Closer("API");
    private SchemaGate schemaGate;
    private ApiServer server;

    private ApiAssembly() {
    }

    /**
     * Starts the API: /healthz at once, /readyz ready once the schemas are usable, {@code readiness} says ready
     * and the databases and object store answer.
     *
     * @param metrics the registry served at /metrics (the embedded stack shares one with its worker)
     */
    public static ApiAssembly start(Env env, MeterRegistry metrics, ReadinessProbe readiness) throws Exception {
        ApiAssembly api = new ApiAssembly();
        try {
            api.boot(env, metrics, readiness);
            return api;
        } catch (Exception | Error e) {
            api.close();
            throw e;
        }
    }

    private void boot(Env env, MeterRegistry metrics, ReadinessProbe readiness) throws Exception {
        ApiSettings settings = ApiSettings.from(env);
        List<Region> regions = env.regions();
        RegionDatabases dbs = RegionDatabases.open(env, "api", env.getInt("FILECONV_DB_POOL_SIZE", 16), 4, metrics,
                parts);
        Map<Region, RegionStore> stores = new EnumMap<>(Region.class);
        dbs.repositories().forEach((r, files) -> stores.put(r, new RegionStore(r, files, env.bucket(r))));
        // /readyz says which schema is missing until the gate opens (migrated here with FILECONV_DB_MIGRATE=true,
        // by the migration Job otherwise).
        schemaGate = parts.push(new SchemaGate(env.migrateAtStart(), dbs.schemas()));
        ObjectStore store = parts.push(new ObjectStore(env.objectStore(), metrics));
        DevTokenIssuer devIssuer = settings.devIssuer() ? devIssuer(env, settings) : null;
        UserDirectory directory = dbs.users();
        CallerResolver callers = new CallerResolver(verifier(settings, devIssuer), directory, stores,
                settings.regionUrls());
        DownloadLinks links = parts.push(DownloadLinks.fromEnv(env));
        UploadLimits limits = UploadLimits.from(env);
        FilesController files = new FilesController(callers, store, new TypeDetector(),
                new ArchiveInspector(ArchiveInspector.Limits.from(env)), settings.maxUploadBytes(),
                new PipelineMetrics(metrics), links, UserUploadLimiter.inMySql(limits, metrics),
                new ImagePixels(limits.maxImagePixels()))
                .withEraser(new FileEraser(store, new DeletionMetrics(metrics).withRegions(regions)))
                .withWebhooks(WebhookAddressPolicy.from(env));
        Path multipart = Files.createDirectories(Path.of(env.get("FILECONV_MULTIPART_DIR",
                System.getProperty("java.io.tmpdir") + "/fileconv-multipart")));
        ReadinessProbe ready = ((ReadinessProbe) schemaGate::reason).and(readiness)
                .and(new ReadinessCheck(stores.values(), store));
        server = parts.push(new ApiServer(settings, files, devIssuer, directory, regions, ready, multipart, metrics)
                .start());
        schemaGate.openInBackground(() -> LOG.info("schemas ready; serving"));
        LOG.info("fileconv API serving regions {} on port {}", regions, server.port());
    }

    /** Mints a token for anyone who asks: development only, and said so in the log. */
    private static DevTokenIssuer devIssuer(Env env, ApiSettings settings) throws Exception {
        LOG.warn("development token issuer is ON: anyone can obtain a token; never enable it in production");
        return new DevTokenIssuer(Path.of(env.get("FILECONV_DEV_KEY_FILE", "/tmp/fileconv/dev-issuer.jwk.json")),
                settings.issuer(), settings.audience(),
                Duration.ofMinutes(env.getLong("FILECONV_DEV_TOKEN_MINUTES", 60)));
    }

    private static JwtVerifier verifier(ApiSettings settings, DevTokenIssuer devIssuer) throws Exception {
        ApiSettings.Oidc oidc = settings.oidc();
        if (oidc != null) {
            guardIdTokens(settings, oidc);
        }
        JwtVerifier base;
        if (devIssuer != null) {
            base = new JwtVerifier(devIssuer.keySource(), settings.issuer(), settings.audience(), settings.jwtTypes());
        } else if (settings.jwksUrl() != null && (oidc == null || !oidc.issuer().equals(settings.issuer()))) {
            base = JwtVerifier.fromJwksUrl(settings.jwksUrl(), settings.issuer(), settings.audience(),
                    settings.jwtTypes());
        } else if (oidc != null) {
            // The provider alone; FILECONV_JWT_JWKS_URL, when given for the same issuer, replaces discovery.
            LOG.info("accepting access tokens of the OIDC provider {} (audience {})", oidc.issuer(), settings.audience());
            return oidcVerifier(settings, oidc);
        } else {
            throw new IllegalStateException("set FILECONV_OIDC_ISSUER or FILECONV_JWT_JWKS_URL (or FILECONV_DEV_ISSUER="
                    + "true for development)");
        }
        if (oidc == null) {
            return base;
        }
        LOG.info("accepting access tokens of {} and of the OIDC provider {} (audience {})", settings.issuer(),
                oidc.issuer(), settings.audience());
        return base.orIssuer(oidc.issuer(), oidcVerifier(settings, oidc));
    }

    private static JwtVerifier oidcVerifier(ApiSettings settings, ApiSettings.Oidc oidc) {
        if (settings.jwksUrl() != null && oidc.issuer().equals(settings.issuer())) {
            return JwtVerifier.fromJwksUrl(settings.jwksUrl(), oidc.issuer(), settings.audience(), settings.jwtTypes());
        }
        return JwtVerifier.fromOidcIssuer(oidc.issuer(), settings.audience(), settings.jwtTypes());
    }

    /**
     * An ID token is a JWT of typ "JWT" whose aud is the client id: accepting typ JWT with the client id as the
     * audience would take the page's ID token for an access token, so that setting is refused at start.
     */
    private static void guardIdTokens(ApiSettings settings, ApiSettings.Oidc oidc) {
        if (settings.audience().equals(oidc.clientId()) && settings.jwtTypes().stream()
                .anyMatch(t -> t.equalsIgnoreCase("JWT") || t.equalsIgnoreCase("application/jwt"))) {
            throw new IllegalStateException("FILECONV_JWT_TYPES accepts JWT and FILECONV_JWT_AUDIENCE is the web page's"
                    + " client id (FILECONV_OIDC_CLIENT_ID): ID tokens would pass as access tokens; have the provider"
                    + " put an audience of its own for this API in access tokens and set FILECONV_JWT_AUDIENCE to it");
        }
    }

    /** Open once every schema this API uses is at the version it ships (FILECONV_DB_MIGRATE). */
    public SchemaGate schemaGate() {
        return schemaGate;
    }

    public int port() {
        return server.port();
    }

    /** The server first (no new requests), then links, object store, gate and pools. */
    @Override
    public void close() {
        parts.close();
    }
}
