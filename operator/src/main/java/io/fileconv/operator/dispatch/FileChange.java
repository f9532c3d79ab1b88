package io.fileconv.operator.dispatch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fileconv.core.FileStatus;

import java.io.IOException;
import java.util.Optional;

/**
 * The part of a Debezium change event of the files table that the dispatcher acts on, and nothing more: the row id,
 * the after-image's {@code status} and {@code attempts}, the before-image's {@code status}, and {@code source.ts_ms}
 * (when the change was written to the binlog, whole seconds in MySQL/MariaDB; 0 if absent). Everything else a
 * launch needs (owner, detected type, request id) is read from the row by id, and the S3 keys are derived from the
 * ids ({@code S3Keys}): an event cannot point a conversion at another object, and the connector can leave file
 * names, user ids and keys out of Kafka ({@code column.include.list}: id, status, attempts). Parsed from the JSON
 * envelope ({@code before}, {@code after}, {@code op}) written by Debezium's JsonConverter with schemas disabled.
 */
public record FileChange(String fileId, FileStatus status, FileStatus beforeStatus, int attempts, long sourceTsMs) {

    /** The columns of {@code files} the dispatcher reads from a change event. */
    public static final java.util.List<String> COLUMNS = java.util.List.of("id", "status", "attempts");

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Empty for tombstones, deletes and anything that is not a files row. */
    public static Optional<FileChange> parse(String value) throws IOException {
        if (value == null) {
            return Optional.empty();
        }
        JsonNode root = JSON.readTree(value);
        if (root.has("payload") && root.has("schema")) {
            root = root.get("payload"); // tolerate converters configured with schemas enabled
        }
        JsonNode after = root.get("after");
        if (after == null || after.isNull() || !after.hasNonNull("status") || !after.hasNonNull("id")) {
            return Optional.empty();
        }
        JsonNode before = root.get("before");
        FileStatus beforeStatus = before == null || before.isNull() || !before.hasNonNull("status") ? null
                : FileStatus.valueOf(before.get("status").asText());
        return Optional.of(new FileChange(after.get("id").asText(), FileStatus.valueOf(after.get("status").asText()),
                beforeStatus, after.path("attempts").asInt(1), root.path("source").path("ts_ms").asLong(0)));
    }

    /** An upload attempt ready to be dispatched: an insert, or the retry job putting a failed file back. */
    public boolean isNewAttempt() {
        return status == FileStatus.UPLOADED && beforeStatus != FileStatus.UPLOADED;
    }

    public boolean isCancellation() {
        return status == FileStatus.CANCELLED && beforeStatus != FileStatus.CANCELLED;
    }
}
