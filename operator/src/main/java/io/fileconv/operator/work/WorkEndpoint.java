package io.fileconv.operator.work;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.fileconv.core.work.WorkItem;
import io.fileconv.core.work.WorkOutcome;
import io.fileconv.pipeline.work.JobIdentity;
import io.fileconv.pipeline.work.PoolSettings;
import io.fileconv.pipeline.work.PooledWork;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The converters' work endpoint (protocol in docs/ARCHITECTURE.md, "Pooled converters"), on the JDK's HTTP server
 * like the operator's health endpoint:
 * <ul>
 *   <li>{@code POST /work/v1/claim?waitSeconds=N}: 200 + a {@link WorkItem}, 204 when nothing came within the
 *       wait (at most {@link PoolSettings#MAX_CLAIM_WAIT})</li>
 *   <li>{@code POST /work/v1/leases/{id}/heartbeat}: 204 renewed, 410 gone</li>
 *   <li>{@code POST /work/v1/leases/{id}/outcome} with a {@link WorkOutcome}: 204 recorded, 410 gone</li>
 * </ul>
 * Every call carries {@code Authorization: Bearer <the Job's token>} (401 otherwise) and {@code X-Fileconv-Pod};
 * a replica that does not lead answers 503.
 */
public final class WorkEndpoint implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WorkEndpoint.class);
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    private static final Pattern LEASE = Pattern.compile("^/work/v1/leases/([0-9a-f]{1,64})/(heartbeat|outcome)$");
    private static final int MAX_BODY = 16 * 1024;

    private final HttpServer server;
    private final ExecutorService threads;
    private final PooledWork work;
    private final JobTokens tokens;

    public WorkEndpoint(int port, PooledWork work, JobTokens tokens) throws IOException {
        this.work = work;
        this.tokens = tokens;
        this.server = HttpServer.create(new InetSocketAddress(port), 0);
        // Long polls hold a thread each; pods are bounded by the pools' maxJobs, so is this.
        this.threads = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "fileconv-work-endpoint");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(threads);
        server.createContext("/work/v1/", this::handle);
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            if (!"POST".equals(ex.getRequestMethod())) {
                respond(ex, 405, null);
                return;
            }
            if (!work.isLeader()) {
                respond(ex, 503, null);
                return;
            }
            Optional<JobIdentity> job = tokens.resolve(bearer(ex));
            if (job.isEmpty()) {
                respond(ex, 401, null);
                return;
            }
            String path = ex.getRequestURI().getPath();
            if (path.equals("/work/v1/claim")) {
                claim(ex, job.get());
                return;
            }
            Matcher m = LEASE.matcher(path);
            if (!m.matches()) {
                respond(ex, 404, null);
                return;
            }
            boolean live = m.group(2).equals("heartbeat") ? work.heartbeat(job.get(), m.group(1))
                    : work.report(job.get(), m.group(1), JSON.readValue(body(ex), WorkOutcome.class));
            respond(ex, live ? 204 : 410, null);
        } catch (JsonProcessingException e) {
            respond(ex, 400, null);
        } catch (Exception e) {
            LOG.warn("work endpoint: {} {} failed: {}", ex.getRequestMethod(), ex.getRequestURI().getPath(),
                    e.toString());
            respond(ex, 503, null);
        }
    }

    private void claim(HttpExchange ex, JobIdentity job) throws Exception {
        String pod = ex.getRequestHeaders().getFirst("X-Fileconv-Pod");
        Duration wait = Duration.ofSeconds(Math.max(0, Math.min(waitSeconds(ex.getRequestURI().getRawQuery()),
                PoolSettings.MAX_CLAIM_WAIT.toSeconds())));
        Optional<WorkItem> item = work.claim(job, pod == null || pod.isBlank() ? "unknown" : pod.trim(), wait);
        if (item.isEmpty()) {
            respond(ex, 204, null);
            return;
        }
        respond(ex, 200, JSON.writeValueAsBytes(item.get()));
    }

    private static long waitSeconds(String query) {
        if (query == null) {
            return 0;
        }
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0 && pair.substring(0, eq).equals("waitSeconds")) {
                try {
                    return Long.parseLong(URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                } catch (NumberFormatException e) {
                    return 0;
                }
            }
        }
        return 0;
    }

    private static String bearer(HttpExchange ex) {
        String h = ex.getRequestHeaders().getFirst("Authorization");
        return h != null && h.regionMatches(true, 0, "Bearer ", 0, 7) ? h.substring(7).trim() : null;
    }

    private static byte[] body(HttpExchange ex) throws IOException {
        try (InputStream in = ex.getRequestBody()) {
            byte[] b = in.readNBytes(MAX_BODY + 1);
            if (b.length > MAX_BODY) {
                throw new IOException("outcome larger than " + MAX_BODY + " bytes");
            }
            return b;
        }
    }

    private static void respond(HttpExchange ex, int status, byte[] json) {
        try {
            if (json == null) {
                ex.sendResponseHeaders(status, -1);
                return;
            }
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(status, json.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(json);
            }
        } catch (IOException e) {
            LOG.debug("work endpoint: could not answer {}: {}", status, e.toString());
        }
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
