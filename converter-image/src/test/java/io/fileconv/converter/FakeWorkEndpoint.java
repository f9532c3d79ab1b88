package io.fileconv.converter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.fileconv.core.work.WorkItem;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The operator's work endpoint as converter-image/README.md specifies it, on a real HTTP server: a queue of items,
 * the outcomes reported (as the JSON received), and switches for the answers a worker must survive or obey.
 */
final class FakeWorkEndpoint implements AutoCloseable {
    private static final Pattern LEASE = Pattern.compile("/work/v1/leases/([^/]+)/(heartbeat|outcome)");
    private static final ObjectMapper JSON = new ObjectMapper();

    final BlockingQueue<WorkItem> queue = new LinkedBlockingQueue<>();
    final Map<String, JsonNode> outcomes = new ConcurrentHashMap<>();
    final Map<String, AtomicInteger> heartbeats = new ConcurrentHashMap<>();
    final Set<String> goneLeases = ConcurrentHashMap.newKeySet();
    final List<String> requests = new CopyOnWriteArrayList<>();
    final List<String> pods = new CopyOnWriteArrayList<>();
    /** Claims answered 503 (not the leader yet) before the queue is served. */
    final AtomicInteger notReadyClaims = new AtomicInteger();
    private final String token;
    private final HttpServer server;

    FakeWorkEndpoint(String token) throws IOException {
        this.token = token;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        // Long polls block a thread each; heartbeats must still get through.
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/", this::handle);
        server.start();
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath();
            requests.add(ex.getRequestMethod() + " " + ex.getRequestURI());
            if (!"POST".equals(ex.getRequestMethod())) {
                ex.sendResponseHeaders(405, -1);
                return;
            }
            if (!("Bearer " + token).equals(ex.getRequestHeaders().getFirst("Authorization"))) {
                ex.sendResponseHeaders(401, -1);
                return;
            }
            pods.add(String.valueOf(ex.getRequestHeaders().getFirst("X-Fileconv-Pod")));
            if (path.equals("/work/v1/claim")) {
                claim(ex);
                return;
            }
            Matcher m = LEASE.matcher(path);
            if (!m.matches()) {
                ex.sendResponseHeaders(404, -1);
                return;
            }
            String lease = m.group(1);
            if (m.group(2).equals("heartbeat")) {
                heartbeats.computeIfAbsent(lease, k -> new AtomicInteger()).incrementAndGet();
                ex.sendResponseHeaders(goneLeases.contains(lease) ? 410 : 204, -1);
            } else {
                JsonNode body = JSON.readTree(ex.getRequestBody());
                if (goneLeases.contains(lease)) {
                    ex.sendResponseHeaders(410, -1);
                    return;
                }
                outcomes.put(lease, body);
                ex.sendResponseHeaders(204, -1);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void claim(HttpExchange ex) throws IOException, InterruptedException {
        if (notReadyClaims.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            ex.sendResponseHeaders(503, -1);
            return;
        }
        String query = String.valueOf(ex.getRequestURI().getQuery());
        long wait = query.startsWith("waitSeconds=") ? Long.parseLong(query.substring("waitSeconds=".length())) : 0;
        WorkItem item = queue.poll(wait, TimeUnit.SECONDS);
        if (item == null) {
            ex.sendResponseHeaders(204, -1);
            return;
        }
        byte[] body = JSON.writeValueAsBytes(item);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(200, body.length);
        ex.getResponseBody().write(body);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
