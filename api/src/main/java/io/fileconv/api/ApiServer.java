package io.fileconv.api;

import io.fileconv.core.LogContext;
import io.fileconv.core.ReadinessProbe;
import io.fileconv.core.Region;
import io.fileconv.core.SupportedTypes;
import io.fileconv.core.UserDirectory;
import io.fileconv.core.UserIds;
import io.fileconv.core.metrics.FileconvMetrics;
import io.fileconv.core.metrics.MetricNames;
import io.javalin.Javalin;
import io.javalin.config.SizeUnit;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.staticfiles.Location;
import io.javalin.router.Endpoint;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** Assembles the HTTP API: routes, error mapping (RFC 9457), request ids, metrics, static web UI. */
public final class ApiServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);
    private static final Pattern SAFE_REQUEST_ID = Pattern.compile("^[A-Za-z0-9._-]{1,64}$");

    private final Javalin app;
    private final StatusFeed feed;
    private final StatusEvents events;

    public ApiServer(ApiSettings settings, FilesController files, DevTokenIssuer devIssuer, UserDirectory directory,
                     List<Region> servedRegions, BooleanSupplier ready, Path multipartDir) {
        this(settings, files, devIssuer, directory, servedRegions, ready, multipartDir,
                FileconvMetrics.create("fileconv-api"));
    }

    /**
     * @param registry served on /metrics and recording fileconv_http_requests; in the embedded stack it is shared
     *                 with the worker, so this one page shows the whole pipeline
     */
    public ApiServer(ApiSettings settings, FilesController files, DevTokenIssuer devIssuer, UserDirectory directory,
                     List<Region> servedRegions, BooleanSupplier ready, Path multipartDir, MeterRegistry registry) {
        this(settings, files, devIssuer, directory, servedRegions, (ReadinessProbe) () -> ready.getAsBoolean() ? null
                : "starting", multipartDir, registry);
    }

    /** @param readiness /readyz answers 503 with its reason (e.g. a schema not migrated yet) until it has none */
    public ApiServer(ApiSettings settings, FilesController files, DevTokenIssuer devIssuer, UserDirectory directory,
                     List<Region> servedRegions, ReadinessProbe readiness, Path multipartDir,
                     MeterRegistry registry) {
        this.feed = new StatusFeed(files.callers().served().stream().map(RegionStore::files).toList(),
                StatusFeed.INTERVAL);
        this.events = new StatusEvents(files.callers(), feed, registry, settings.http().idleTimeout());
        files.readThrough(new StatusReadCache(feed), new ListReadCache(feed));
        files.spoolUploadsIn(multipartDir);
        this.app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.jetty.port = settings.port();
            if (settings.host() != null) {
                config.jetty.host = settings.host();
            }
            JettyHardening.apply(config, settings.http());
            config.jetty.multipartConfig.cacheDirectory(multipartDir.toString());
            config.jetty.multipartConfig.maxInMemoryFileSize(256, SizeUnit.KB);
            config.jetty.multipartConfig.maxFileSize(settings.maxUploadBytes(), SizeUnit.BYTES);
            config.jetty.multipartConfig.maxTotalRequestSize(settings.maxUploadBytes() + (1 << 20), SizeUnit.BYTES);
            config.staticFiles.add(sf -> {
                sf.hostedPath = "/";
                sf.directory = "/public";
                sf.location = Location.CLASSPATH;
            });
            config.routes.before(ApiServer::requestId);
            // The request logger runs once per request after the response, also for static files, errors and
            // requests that matched no route, which before/after pairs do not all see.
            config.requestLogger.http((ctx, ms) -> {
                recordRequest(registry, ctx, ms);
                MDC.clear();
            });
            config.routes.get("/metrics", ctx -> ctx.contentType(FileconvMetrics.CONTENT_TYPE)
                    .result(FileconvMetrics.scrape(registry)));
            config.routes.get("/healthz", ctx -> ctx.json(Map.of("status", "ok")));
            config.routes.get("/openapi.json", ctx -> ctx.contentType("application/json").result(openApi()));
            config.routes.get("/readyz", ctx -> {
                String reason = readiness.notReadyReason();
                ctx.status(reason == null ? 200 : 503).json(reason == null ? Map.of("status", "ready")
                        : Map.of("status", "not ready", "reason", reason));
            });
            config.routes.get("/api/v1/config", ctx -> ctx.json(clientConfig(settings, devIssuer != null, servedRegions)));
            config.routes.post("/api/v1/files", files::upload);
            config.routes.get("/api/v1/files", files::list);
            config.routes.get("/api/v1/files/{id}", files::get);
            config.routes.post("/api/v1/files/{id}/cancel", files::cancel);
            config.routes.delete("/api/v1/files/{id}", files::delete);
            config.routes.get("/api/v1/files/{id}/pdf", files::pdf);
            config.routes.get("/api/v1/events", events::stream);
            WebhookController webhook = files.webhookSettings();
            config.routes.get("/api/v1/webhook", webhook::get);
            config.routes.put("/api/v1/webhook", webhook::put);
            config.routes.post("/api/v1/webhook/secret", webhook::rotateSecret);
            config.routes.get("/api/v1/files/{id}/thumbnail", files::thumbnail);
            if (devIssuer != null) {
                config.routes.post("/api/v1/dev/token", ctx -> devToken(ctx, devIssuer, directory));
                config.routes.get("/api/v1/dev/jwks.json", ctx -> ctx.contentType("application/json")
                        .result(devIssuer.publicJwks().toString()));
            }
            config.routes.exception(Problem.class, (p, ctx) -> problem(ctx, p));
            config.routes.exception(CallerResolver.RegionRedirect.class, (r, ctx) -> {
                ctx.status(307).header("Location", r.location());
            });
            config.routes.exception(Exception.class, (e, ctx) -> {
                if (MultipartUpload.isSizeLimit(e)) {
                    problem(ctx, MultipartUpload.classify(e, settings.maxUploadBytes()));
                    return;
                }
                if (e instanceof HttpResponseException h && h.getStatus() < 500) {
                    // Javalin's own refusals (bad JSON body, ...): its status, our words.
                    LOG.info("request refused by Javalin: {} {}: {}", ctx.method(), ctx.path(), e.toString());
                    problem(ctx, new Problem(h.getStatus(), "bad-request", "Bad request",
                            "the request could not be read; quote request id " + ctx.attribute("requestId")));
                    return;
                }
                // Never the exception's message: S3 SDK and driver texts name hosts, buckets and keys.
                LOG.error("request failed: {} {}", ctx.method(), ctx.path(), e);
                problem(ctx, new Problem(500, "internal", "Internal error",
                        "the request could not be completed; quote request id " + ctx.attribute("requestId")));
            });
            config.routes.error(404, ctx -> {
                if (ctx.result() == null) {
                    problem(ctx, new Problem(404, "not-found", "Not found", "no such resource"));
                }
            });
            config.routes.error(405, ctx -> problem(ctx, new Problem(405, "method-not-allowed", "Method not allowed",
                    "this resource does not accept " + ctx.method())));
        });
    }

    /** The hand-written OpenAPI document; OpenApiDocumentTest keeps it and the routes above in step. */
    private static byte[] openApi() throws IOException {
        try (InputStream in = ApiServer.class.getResourceAsStream("/openapi.json")) {
            return in.readAllBytes();
        }
    }

    private static void requestId(Context ctx) {
        String given = ctx.header("X-Request-Id");
        String id = given != null && SAFE_REQUEST_ID.matcher(given).matches() ? given : UUID.randomUUID().toString();
        ctx.attribute("requestId", id);
        ctx.header("X-Request-Id", id);
        MDC.clear(); // a pooled thread may carry keys of an earlier request whose logger did not run
        LogContext.put(LogContext.REQUEST_ID, id);
    }

    private static void recordRequest(MeterRegistry registry, Context ctx, Float ms) {
        int status = ctx.statusCode();
        MetricNames.Meter m = MetricNames.HTTP_REQUESTS;
        Timer.builder(m.name()).description(m.description())
                .tags("route", route(ctx), "method", method(ctx), "status", Integer.toString(status),
                        "status_class", (status / 100) + "xx")
                .serviceLevelObjectives(m.bucketArray()).register(registry)
                .record(Math.round(ms == null ? 0 : ms * 1000.0), TimeUnit.MICROSECONDS);
    }

    private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "PATCH",
            "DELETE", "OPTIONS");

    /** Bounded: a client can send any method token. */
    private static String method(Context ctx) {
        String m = ctx.req().getMethod();
        return METHODS.contains(m) ? m : "other";
    }

    /**
     * The route template ({@code /api/v1/files/{id}}), never the raw path: ids in labels would make one series per
     * file. Requests no route matched are "static" (web UI files) or, when nothing answered, "unmatched".
     */
    static String route(Context ctx) {
        Endpoint e;
        try {
            e = ctx.endpoints().matchedHttpEndpoint();
        } catch (RuntimeException notMatched) {
            e = null;
        }
        if (e != null) {
            return e.path;
        }
        return ctx.statusCode() == 404 ? "unmatched" : "static";
    }

    static void problem(Context ctx, Problem p) {
        ctx.status(p.status());
        p.retryAfterSeconds().ifPresent(s -> ctx.header("Retry-After", Integer.toString(s)));
        ctx.contentType("application/problem+json");
        ctx.json(p.body(ctx.path()));
        ctx.contentType("application/problem+json");
    }

    private static Map<String, Object> clientConfig(ApiSettings s, boolean dev, List<Region> served) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("maxUploadBytes", s.maxUploadBytes());
        List<Map<String, Object>> types = new ArrayList<>();
        for (SupportedTypes.Type t : SupportedTypes.all()) {
            types.add(Map.of("mediaType", t.mediaType(), "label", t.label(), "extensions", t.extensions()));
        }
        m.put("types", types);
        m.put("devIssuer", dev);
        if (s.oidc() != null) {
            // What the page needs to sign in with the provider; it discovers the endpoints from the issuer itself.
            m.put("oidc", Map.of("issuer", s.oidc().issuer(), "clientId", s.oidc().clientId(),
                    "scopes", s.oidc().scopes()));
        }
        m.put("regions", served.stream().map(Region::code).toList());
        return m;
    }

    private static void devToken(Context ctx, DevTokenIssuer issuer, UserDirectory directory) throws Exception {
        Map<?, ?> body = JsonBody.object(ctx, "send {\"user\":\"alice\",\"region\":\"in\"}");
        String user = body.get("user") instanceof String s ? s : null;
        if (!UserIds.isValid(user)) {
            throw Problem.badRequest("bad-user", "user must be 1-128 characters of letters, digits, . _ @ - |");
        }
        Region region;
        try {
            region = Region.fromCode(body.get("region") == null ? null : String.valueOf(body.get("region")));
        } catch (IllegalArgumentException e) {
            throw Problem.badRequest("bad-region", "region must be one of " + Arrays.stream(Region.values())
                    .map(Region::code).collect(Collectors.joining(", ")));
        }
        UserDirectory.Entry entry = directory.registerIfAbsent(user, region);
        ctx.json(Map.of("token", issuer.issue(user, entry.homeRegion().code()), "user", user,
                "region", entry.homeRegion().code(), "expiresAt", issuer.expiryFromNow().toString()));
    }

    public ApiServer start() {
        app.start();
        return this;
    }

    public int port() {
        return app.port();
    }

    @Override
    public void close() {
        events.close(); // ends the open streams first: Jetty's stop would otherwise wait for them
        app.stop();
        feed.close();
    }
}
