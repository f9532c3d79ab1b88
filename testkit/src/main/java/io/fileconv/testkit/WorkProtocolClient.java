package io.fileconv.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A converter pod's side of the operator's work protocol, spoken over real HTTP by tests (the production client
 * is converter-image's HttpWorkSource): claim, heartbeat, outcome, each with a Job's token.
 */
public final class WorkProtocolClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;

    /** @param base e.g. {@code http://127.0.0.1:8081} */
    public WorkProtocolClient(String base) {
        this.base = base;
    }

    /** An answer: the status and, for a 200 claim, the work item. */
    public record Answer(int status, JsonNode body) {
    }

    public Answer claim(String token, String pod, int waitSeconds) throws Exception {
        HttpResponse<String> r = http.send(request("/work/v1/claim?waitSeconds=" + waitSeconds, token, pod)
                .POST(HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(waitSeconds + 30)).build(),
                HttpResponse.BodyHandlers.ofString());
        return new Answer(r.statusCode(), r.statusCode() == 200 ? JSON.readTree(r.body()) : null);
    }

    public int heartbeat(String token, String pod, String leaseId) throws Exception {
        return http.send(request("/work/v1/leases/" + leaseId + "/heartbeat", token, pod)
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    /** @param failureClass null when converted */
    public int outcome(String token, String pod, String leaseId, boolean converted, String failureClass,
                       String reason, long conversionMs) throws Exception {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("converted", converted);
        body.put("failureClass", failureClass);
        body.put("reason", reason);
        body.put("conversionMs", conversionMs);
        return http.send(request("/work/v1/leases/" + leaseId + "/outcome", token, pod)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body))).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private HttpRequest.Builder request(String path, String token, String pod) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (pod != null) {
            b.header("X-Fileconv-Pod", pod);
        }
        return b;
    }

    /** Job name -> token, read from the pooled Jobs' token Secrets as the kubelet would inject them. */
    public static Map<String, String> tokensByJob(KubernetesClient kube, String namespace) {
        return kube.secrets().inNamespace(namespace).withLabel("fileconv.io/pool", "true").list().getItems().stream()
                .collect(Collectors.toMap(s -> s.getMetadata().getLabels().get("fileconv.io/converter-job"),
                        WorkProtocolClient::token));
    }

    private static String token(Secret s) {
        return new String(Base64.getDecoder().decode(s.getData().get("token")), StandardCharsets.UTF_8);
    }
}
