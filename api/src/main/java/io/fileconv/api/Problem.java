package io.fileconv.api;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * An RFC 9457 problem detail. Every refusal of the API is one of these, with a stable {@code type} per cause
 * (clients switch on it) and a human {@code detail}.
 */
public class Problem extends RuntimeException {
    public static final String TYPE_BASE = "https://fileconv.io/problems/";

    private final int status;
    private final String slug;
    private final String title;
    private final Map<String, Object> extensions = new LinkedHashMap<>();

    public Problem(int status, String slug, String title, String detail) {
        super(detail);
        this.status = status;
        this.slug = slug;
        this.title = title;
    }

    public Problem with(String key, Object value) {
        extensions.put(key, value);
        return this;
    }

    public int status() {
        return status;
    }

    public String slug() {
        return slug;
    }

    public Map<String, Object> body(String instance) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", TYPE_BASE + slug);
        m.put("title", title);
        m.put("status", status);
        m.put("detail", getMessage());
        if (instance != null) {
            m.put("instance", instance);
        }
        m.putAll(extensions);
        return m;
    }

    /** Seconds a client should wait before retrying a write refused because its user is being moved. */
    static final int MIGRATION_RETRY_AFTER_SECONDS = 30;

    /** 503 for a write of a user frozen by a region move; the handler adds the matching Retry-After header. */
    public static Problem userMigrating() {
        return new Problem(503, "user-migrating", "Moving to another region",
                "your files are being moved to another region; try again shortly")
                .with("retryAfterSeconds", MIGRATION_RETRY_AFTER_SECONDS);
    }

    /** Retry-After for the response, when the problem carries one. */
    Optional<Integer> retryAfterSeconds() {
        return extensions.get("retryAfterSeconds") instanceof Integer i ? Optional.of(i)
                : Optional.empty();
    }

    public static Problem unauthorized(String detail) {
        return new Problem(401, "unauthorized", "Authentication required", detail);
    }

    public static Problem notFound() {
        return new Problem(404, "not-found", "Not found", "no such file");
    }

    public static Problem badRequest(String slug, String detail) {
        return new Problem(400, slug, "Bad request", detail);
    }
}
