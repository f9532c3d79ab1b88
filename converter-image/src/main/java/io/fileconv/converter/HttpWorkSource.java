package io.fileconv.converter;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fileconv.core.work.WorkItem;
import io.fileconv.core.work.WorkOutcome;
import io.fileconv.core.work.WorkSource;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/**
 * The operator's work endpoint seen from a converter pod (protocol in converter-image/README.md, "Pool mode"). Every
 * call carries the Job's token and the pod's name. 401/403 throw {@link WorkSourceRefusedException} (the worker
 * ends); 503 and any other unexpected answer throw {@link IOException} (the worker retries with back-off).
 */
public final class HttpWorkSource implements WorkSource {
    /** Added to a long poll's wait before the client gives up on the answer. */
    private static final Duration ANSWER_MARGIN = Duration.ofSeconds(15);

    private final URI base;
    private final String token;
    private final String pod;
    private final HttpClient http;
    private final ObjectMapper json = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    public HttpWorkSource(URI base, String token, String pod) {
        this(base, token, pod, HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build());
    }

    public HttpWorkSource(URI base, String token, String pod, HttpClient http) {
        String b = base.toString();
        this.base = URI.create(b.endsWith("/") ? b.substring(0, b.length() - 1) : b);
        this.token = token;
        this.pod = pod;
        this.http = http;
    }

    /**
     * Reads one work item as a claim's answer would bring it, so the first real one is not also Jackson's first
     * record of this type. During an upload burst each pod's first file waited ~2 s between its lease and its
     * download, for this and the operator's first presign together (bench/pool-phases); both are warmed now.
     */
    public void warmUp() {
        URI url = URI.create("http://warm-up.invalid/object");
        WorkItem sample = new WorkItem("lease", "file", 1, "text/plain", url, url, 60, 30, null, null, url);
        try {
            json.readValue(json.writeValueAsBytes(sample), WorkItem.class);
        } catch (IOException e) {
            throw new IllegalStateException("a work item does not read back as written", e);
        }
    }

    @Override
    public Optional<WorkItem> claim(Duration wait) throws Exception {
        long seconds = Math.max(0, (wait.toMillis() + 999) / 1000);
        HttpResponse<byte[]> resp = post("/work/v1/claim?waitSeconds=" + seconds, null, wait.plus(ANSWER_MARGIN));
        return switch (resp.statusCode()) {
            case 200 -> Optional.of(json.readValue(resp.body(), WorkItem.class));
            case 204 -> Optional.empty();
            default -> throw unexpected("claim", resp);
        };
    }

    @Override
    public boolean heartbeat(String leaseId) throws Exception {
        HttpResponse<byte[]> resp = post(lease(leaseId) + "/heartbeat", null, ANSWER_MARGIN);
        return switch (resp.statusCode()) {
            case 200, 204 -> true;
            case 404, 410 -> false;
            default -> throw unexpected("heartbeat", resp);
        };
    }

    @Override
    public void report(String leaseId, WorkOutcome outcome) throws Exception {
        HttpResponse<byte[]> resp = post(lease(leaseId) + "/outcome", json.writeValueAsBytes(outcome), ANSWER_MARGIN);
        switch (resp.statusCode()) {
            case 200, 204, 404, 410 -> {
                // recorded, or the lease is gone and the source ignores it
            }
            default -> throw unexpected("outcome", resp);
        }
    }

    private static String lease(String leaseId) {
        return "/work/v1/leases/" + URLEncoder.encode(leaseId, StandardCharsets.UTF_8);
    }

    private HttpResponse<byte[]> post(String path, byte[] body, Duration timeout) throws IOException,
            InterruptedException {
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(base + path)).timeout(timeout)
                .header("Authorization", "Bearer " + token)
                .header("X-Fileconv-Pod", pod);
        if (body == null) {
            req.POST(HttpRequest.BodyPublishers.noBody());
        } else {
            req.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body));
        }
        return http.send(req.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static Exception unexpected(String call, HttpResponse<byte[]> resp) {
        int status = resp.statusCode();
        if (status == 401 || status == 403) {
            return new WorkSourceRefusedException(call + ": HTTP " + status + " (the work token was refused)");
        }
        return new IOException(call + ": HTTP " + status + (status == 503 ? " (the work source is not ready)" : ""));
    }
}
