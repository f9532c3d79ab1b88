package io.fileconv.api;

import io.fileconv.core.FileRecord;
import io.fileconv.core.FileStatus;
import io.fileconv.core.options.OptionNotes;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The JSON shape of a file in API responses. */
final class FileView {
    private FileView() {
    }

    static Map<String, Object> of(FileRecord f) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", f.id());
        m.put("name", f.originalName());
        m.put("type", f.detectedType());
        m.put("size", f.sizeBytes());
        m.put("sha256", f.sha256());
        m.put("region", f.region().code());
        m.put("status", f.status().apiWord());
        m.put("attempts", f.attempts());
        // Always present ({} when none were asked), so a client reads what was applied without guessing defaults.
        m.put("options", f.options().toMap());
        List<String> notes = OptionNotes.of(f.options(), f.detectedType());
        if (!notes.isEmpty()) {
            m.put("optionNotes", notes);
        }
        if (f.failureClass() != null && f.status() == FileStatus.FAILED) {
            // "class" stays the enum name for existing clients; "code" is the short stable name (issue 15: password).
            m.put("failure", Map.of("class", f.failureClass().name().toLowerCase(Locale.ROOT),
                    "code", f.failureClass().code(),
                    "reason", f.failureReason() == null ? "" : f.failureReason(),
                    "retryable", f.failureClass().retryable()));
        }
        m.put("createdAt", str(f.createdAt()));
        m.put("queuedAt", str(f.queuedAt()));
        m.put("startedAt", str(f.startedAt()));
        m.put("finishedAt", str(f.finishedAt()));
        if (f.finishedAt() != null && f.createdAt() != null) {
            m.put("durationMs", Duration.between(f.createdAt(), f.finishedAt()).toMillis());
        }
        Map<String, String> links = new LinkedHashMap<>();
        links.put("self", "/api/v1/files/" + f.id());
        if (f.status() == FileStatus.CONVERTED) {
            links.put("pdf", "/api/v1/files/" + f.id() + "/pdf");
            links.put("thumbnail", "/api/v1/files/" + f.id() + "/thumbnail"); // 404 when it could not be rendered
        }
        if (!f.status().isTerminal()) {
            links.put("cancel", "/api/v1/files/" + f.id() + "/cancel");
        }
        m.put("links", links);
        return m;
    }

    private static String str(Object o) {
        return o == null ? null : o.toString();
    }
}
