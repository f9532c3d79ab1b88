package io.fileconv.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/** A plain HTTP client of the public API, as a front end would use it (development tokens, multipart uploads). */
public final class ApiClient {
    public static final ObjectMapper JSON = new ObjectMapper();
    public static final Set<String> TERMINAL = Set.of("converted", "failed", "cancelled");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;

    public ApiClient(String base) {
        this.base = base;
    }

    public String token(String user, String region) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/dev/token"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"user\":\"" + user + "\",\"region\":\"" + region + "\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("token: " + r.statusCode() + " " + r.body());
        }
        return JSON.readTree(r.body()).get("token").asText();
    }

    public HttpResponse<String> upload(String token, String fileName, byte[] content) throws Exception {
        return upload(token, fileName, content, Map.of());
    }

    /** An upload with text form fields (the PDF options) before the file part. */
    public HttpResponse<String> upload(String token, String fileName, byte[] content, Map<String, String> fields)
            throws Exception {
        String boundary = "----fileconv" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (Map.Entry<String, String> field : fields.entrySet()) {
            body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + field.getKey() + "\"\r\n\r\n"
                    + field.getValue() + "\r\n").getBytes(StandardCharsets.UTF_8));
        }
        body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + fileName
                + "\"\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        body.write(content);
        body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/files"))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Uploads and returns the new file id, failing on anything but 201. */
    public String uploadOk(String token, String fileName, byte[] content) throws Exception {
        HttpResponse<String> r = upload(token, fileName, content);
        if (r.statusCode() != 201) {
            throw new AssertionError("upload of " + fileName + " answered " + r.statusCode() + ": " + r.body());
        }
        return JSON.readTree(r.body()).get("id").asText();
    }

    public HttpResponse<String> get(String token, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + token)
                .GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<String> post(String token, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<String> put(String token, String path, String json) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<String> delete(String token, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + token)
                .DELETE().build(), HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<byte[]> pdf(String token, String id) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/files/" + id + "/pdf"))
                .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /** GET of any path as bytes (a thumbnail, an inline PDF). */
    public HttpResponse<byte[]> bytes(String token, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + token)
                .GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    public JsonNode status(String token, String id) throws Exception {
        HttpResponse<String> r = get(token, "/api/v1/files/" + id);
        if (r.statusCode() != 200) {
            throw new IllegalStateException("status of " + id + ": " + r.statusCode() + " " + r.body());
        }
        return JSON.readTree(r.body());
    }

    /** Polls until the file reaches a terminal state, as the UI does. */
    public JsonNode awaitTerminal(String token, String id, Duration timeout) throws Exception {
        Instant deadline = Instant.now().plus(timeout);
        JsonNode s = status(token, id);
        while (!TERMINAL.contains(s.get("status").asText())) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("file " + id + " still " + s.get("status").asText() + " after " + timeout);
            }
            Thread.sleep(100);
            s = status(token, id);
        }
        return s;
    }

    public static JsonNode json(String body) throws IOException {
        return JSON.readTree(body);
    }
}
