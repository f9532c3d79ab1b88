package io.fileconv.core;

import org.slf4j.MDC;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

/**
 * MDC keys put on every log line of one file's work, so `grep <fileId>` (or the request id) follows a file
 * through API, dispatcher, operator and converter. The user appears only as {@link #userHash}: logs are
 * shipped and kept longer than rows, and a raw user id in them would be personal data outside the region.
 */
public final class LogContext implements AutoCloseable {
    public static final String FILE_ID = "fileId";
    public static final String USER_HASH = "userHash";
    public static final String REGION = "region";
    public static final String ATTEMPT = "attempt";
    public static final String REQUEST_ID = "requestId";

    private final Map<String, String> previous;

    private LogContext(Map<String, String> previous) {
        this.previous = previous;
    }

    /** Sets the keys of one attempt (null values are left out); {@link #close()} restores the previous MDC. */
    public static LogContext forFile(String fileId, String userId, Region region, Integer attempt, String requestId) {
        LogContext ctx = new LogContext(MDC.getCopyOfContextMap());
        put(FILE_ID, fileId);
        put(USER_HASH, userId == null ? null : userHash(userId));
        put(REGION, region == null ? null : region.code());
        put(ATTEMPT, attempt == null ? null : attempt.toString());
        put(REQUEST_ID, requestId);
        return ctx;
    }

    public static LogContext forRequest(ConversionRequest r) {
        return forFile(r.fileId(), r.userId(), r.region(), r.attempt(), r.requestId());
    }

    /**
     * First 16 hex digits of SHA-256(user id): stable, so one user's lines can be grepped, and keeps the raw id
     * out of log storage. It is a pseudonym, not anonymisation: a guessable id can be hashed and compared.
     */
    public static String userHash(String userId) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(userId.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static void put(String key, String value) {
        if (value == null) {
            MDC.remove(key);
        } else {
            MDC.put(key, value);
        }
    }

    @Override
    public void close() {
        if (previous == null) {
            MDC.clear();
        } else {
            MDC.setContextMap(previous);
        }
    }
}
