package io.fileconv.operator;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.fileconv.core.ReadinessProbe;
import io.fileconv.core.metrics.FileconvMetrics;
import io.micrometer.core.instrument.MeterRegistry;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * The operator's /healthz and /readyz for the chart's probes and /metrics for Prometheus, on the JDK's built-in server: the operator serves
 * nothing else over HTTP, so a web framework would be dead weight. Readiness follows {@code ready} (startup
 * finished); a standby replica is ready too, since it dispatches and waits for the Lease.
 */
final class HealthServer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpServer server;

    HealthServer(int port, BooleanSupplier ready) throws IOException {
        this(port, () -> ready.getAsBoolean() ? null : "starting", FileconvMetrics.none());
    }

    /** @param readiness null when ready; otherwise the reason /readyz gives with its 503 */
    HealthServer(int port, ReadinessProbe readiness, MeterRegistry registry) throws IOException {
        server = HttpServer.create(new InetSocketAddress(port), 0);
        server.createContext("/metrics", ex -> respond(ex, 200, FileconvMetrics.CONTENT_TYPE,
                FileconvMetrics.scrape(registry)));
        server.createContext("/healthz", ex -> respond(ex, 200, "{\"status\":\"ok\"}"));
        server.createContext("/readyz", ex -> {
            String reason = readiness.notReadyReason();
            respond(ex, reason == null ? 200 : 503, reason == null ? "{\"status\":\"ready\"}"
                    : JSON.writeValueAsString(Map.of("status", "not ready", "reason", reason)));
        });
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    private static void respond(HttpExchange ex, int status, String body) throws IOException {
        respond(ex, status, "application/json", body);
    }

    private static void respond(HttpExchange ex, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", contentType);
        // The context matches by prefix; only the exact path exists.
        if (!ex.getRequestURI().getPath().equals(ex.getHttpContext().getPath())) {
            status = 404;
            bytes = new byte[0];
        }
        ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
