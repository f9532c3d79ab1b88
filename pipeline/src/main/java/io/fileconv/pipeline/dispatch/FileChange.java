package io.fileconv.pipeline.dispatch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fileconv.core.FileStatus;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
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
    public static final List<String> COLUMNS = List.of("id", "status", "attempts");

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Empty for tombstones and deletes (no after-image): they are ordinary events without effect.
     *
     * @throws UnusableEvent when the value is not JSON, its after-image lacks id or status, or a status is not one of
     *                       {@link FileStatus}: a poison event, which the dispatcher records and skips
     */
    public static Optional<FileChange> parse(String value) throws UnusableEvent {
        if (value == null) {
            return Optional.empty();
        }
        JsonNode root;
        try {
            root = JSON.readTree(value);
        } catch (IOException e) {
            throw new UnusableEvent(UnusableEvent.UNPARSABLE, "not JSON");
        }
        if (root == null || !root.isObject()) {
            throw new UnusableEvent(UnusableEvent.UNPARSABLE, "not a JSON object");
        }
        if (root.has("payload") && root.has("schema")) {
            root = root.get("payload"); // tolerate converters configured with schemas enabled
        }
        JsonNode after = root.get("after");
        if (after == null || after.isNull()) {
            return Optional.empty();
        }
        if (!after.hasNonNull("status") || !after.hasNonNull("id")) {
            throw new UnusableEvent(UnusableEvent.MISSING_FIELD, "after-image without id or status");
        }
        JsonNode before = root.get("before");
        FileStatus beforeStatus = before == null || before.isNull() || !before.hasNonNull("status") ? null
                : status(before.get("status"));
        return Optional.of(new FileChange(after.get("id").asText(), status(after.get("status")),
                beforeStatus, after.path("attempts").asInt(1), root.path("source").path("ts_ms").asLong(0)));
    }

    private static FileStatus status(JsonNode value) throws UnusableEvent {
        try {
            return FileStatus.valueOf(value.asText());
        } catch (IllegalArgumentException e) {
            // The value itself stays out of the message: it is event content, which is never logged.
            throw new UnusableEvent(UnusableEvent.UNKNOWN_STATUS, "status is not one of " + Arrays.toString(
                    FileStatus.values()));
        }
    }

    /**
     * A change event the dispatcher cannot act on and must not retry: retrying would block its partition forever.
     * {@link #reason()} is a bounded label value for the skipped-events counter.
     */
    public static final class UnusableEvent extends Exception {
        public static final String UNPARSABLE = "unparsable";
        public static final String MISSING_FIELD = "missing_field";
        public static final String UNKNOWN_STATUS = "unknown_status";
        public static final List<String> REASONS = List.of(UNPARSABLE, MISSING_FIELD,
                UNKNOWN_STATUS);

        private final String reason;

        UnusableEvent(String reason, String message) {
            super(message, null, false, false);
            this.reason = reason;
        }

        public String reason() {
            return reason;
        }
    }

    /** An upload attempt ready to be dispatched: an insert, or the retry job putting a failed file back. */
    public boolean isNewAttempt() {
        return status == FileStatus.UPLOADED && beforeStatus != FileStatus.UPLOADED;
    }

    public boolean isCancellation() {
        return status == FileStatus.CANCELLED && beforeStatus != FileStatus.CANCELLED;
    }
}
