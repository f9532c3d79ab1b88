package io.fileconv.operator.dispatch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fileconv.core.FileStatus;

import java.io.IOException;
import java.util.Optional;

/**
 * The part of a Debezium change event of the files table that the dispatcher acts on: the after-image's
 * status and the ids needed to launch. Parsed from the JSON envelope ({@code before}, {@code after}, {@code op})
 * written by Debezium's JsonConverter with schemas disabled — the same in the embedded stack and in Kafka Connect.
 * {@code sourceTsMs} is when the change was written to the binlog (whole seconds in MySQL/MariaDB), 0 if absent.
 */
public record FileChange(String op, String fileId, String userId, FileStatus status, FileStatus beforeStatus,
                         int attempts, String detectedType, String inputKey, String outputKey, String requestId,
                         long sourceTsMs) {

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
        if (after == null || after.isNull() || !after.hasNonNull("status")) {
            return Optional.empty();
        }
        JsonNode before = root.get("before");
        FileStatus beforeStatus = before == null || before.isNull() || !before.hasNonNull("status") ? null
                : FileStatus.valueOf(before.get("status").asText());
        return Optional.of(new FileChange(root.path("op").asText(""), after.get("id").asText(),
                after.get("user_id").asText(), FileStatus.valueOf(after.get("status").asText()), beforeStatus,
                after.path("attempts").asInt(1), after.path("detected_type").asText(),
                after.path("input_key").asText(), after.path("output_key").asText(),
                after.hasNonNull("request_id") ? after.get("request_id").asText() : null,
                root.path("source").path("ts_ms").asLong(0)));
    }

    /** An upload attempt ready to be dispatched: an insert, or the retry job putting a failed file back. */
    public boolean isNewAttempt() {
        return status == FileStatus.UPLOADED && beforeStatus != FileStatus.UPLOADED;
    }

    public boolean isCancellation() {
        return status == FileStatus.CANCELLED && beforeStatus != FileStatus.CANCELLED;
    }
}
