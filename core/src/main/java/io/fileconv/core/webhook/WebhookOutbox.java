package io.fileconv.core.webhook;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The region's {@code webhook_deliveries} table. A row is added by {@link #enqueue} inside the transaction of a
 * terminal transition (FileRepository), so every terminal state of an attempt gets exactly one delivery row whichever
 * process made the change (operator sink, API cancel, sweeper, retry job) and even if that process dies right after
 * the commit. Rows are PENDING until delivered or given up (FAILED); the deliverer retries them across restarts.
 */
public final class WebhookOutbox {
    public static final String PENDING = "PENDING";
    public static final String DELIVERED = "DELIVERED";
    public static final String FAILED = "FAILED";

    /** A delivery due now. */
    public record Delivery(String id, String userId, String fileId, String url, String body, int attempts) {
    }

    private final DataSource dataSource;

    public WebhookOutbox(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * Adds the delivery of the file's current (terminal) state when it has a webhook URL of its own or its owner has
     * a default; a replay is ignored (the id repeats). The body snapshot never holds a secret or PDF password.
     */
    public static void enqueue(Connection c, String fileId) throws SQLException {
        String sql = "INSERT IGNORE INTO webhook_deliveries (id, user_id, file_id, url, body, state, attempts, next_at,"
                + " created_at, updated_at)"
                + " SELECT CONCAT(f.id, '.', f.attempts, '.', LOWER(f.status)), f.user_id, f.id,"
                + " COALESCE(f.webhook_url, s.url),"
                + " JSON_OBJECT('type', CONCAT('file.', LOWER(f.status)),"
                + "   'timestamp', DATE_FORMAT(COALESCE(f.finished_at, f.updated_at), '%Y-%m-%dT%H:%i:%s.%fZ'),"
                + "   'data', JSON_OBJECT('id', f.id, 'status', f.status, 'attempt', f.attempts,"
                + "     'originalName', f.original_name, 'failureClass', f.failure_class,"
                + "     'failureReason', f.failure_reason)),"
                + " 'PENDING', 0, UTC_TIMESTAMP(3), UTC_TIMESTAMP(3), UTC_TIMESTAMP(3)"
                + " FROM files f LEFT JOIN webhook_settings s ON s.user_id = f.user_id"
                + " WHERE f.id = ? AND COALESCE(f.webhook_url, s.url) IS NOT NULL";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, fileId);
            ps.executeUpdate();
        }
    }

    /** Up to {@code limit} PENDING deliveries whose next try is due, oldest first. */
    public List<Delivery> due(int limit) throws SQLException {
        List<Delivery> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT id, user_id, file_id, url, body, attempts FROM webhook_deliveries WHERE state='PENDING'"
                        + " AND next_at <= UTC_TIMESTAMP(3) ORDER BY next_at LIMIT ?")) {
            ps.setInt(1, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Delivery(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getString(5), rs.getInt(6)));
                }
            }
        }
        return out;
    }

    public void delivered(String id) throws SQLException {
        finish(id, DELIVERED, null, Duration.ZERO);
    }

    /** Another try after {@code backoff}, or FAILED when {@code giveUp}. */
    public void tried(String id, String error, Duration backoff, boolean giveUp) throws SQLException {
        finish(id, giveUp ? FAILED : PENDING, error, backoff);
    }

    private void finish(String id, String state, String error, Duration delay) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "UPDATE webhook_deliveries SET state=?, attempts=attempts+1, last_error=?, updated_at=UTC_TIMESTAMP(3),"
                        + " next_at=UTC_TIMESTAMP(3) + INTERVAL ? SECOND WHERE id=? AND state='PENDING'")) {
            ps.setString(1, state);
            ps.setString(2, error == null ? null : error.length() > 300 ? error.substring(0, 300) : error);
            ps.setLong(3, delay.toSeconds());
            ps.setString(4, id);
            ps.executeUpdate();
        }
    }

    /** The state and attempt count of one delivery (tests, support). */
    public Optional<String> state(String id) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT state FROM webhook_deliveries WHERE id=?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        }
    }

    /** Number of PENDING deliveries and the creation time of the oldest (null when none), for the gauges. */
    public record Backlog(long pending, Instant oldest) {
    }

    public Backlog backlog() throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT COUNT(*), MIN(created_at) FROM webhook_deliveries WHERE state='PENDING'");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            Timestamp oldest = rs.getTimestamp(2);
            return new Backlog(rs.getLong(1), oldest == null ? null : oldest.toInstant());
        }
    }
}
