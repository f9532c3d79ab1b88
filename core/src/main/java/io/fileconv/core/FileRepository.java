package io.fileconv.core;

import io.fileconv.core.options.PdfOptions;
import io.fileconv.core.secrets.PasswordSealer;
import io.fileconv.core.webhook.WebhookOutbox;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import javax.sql.DataSource;

/**
 * Data access for one region's files table. All status changes go through {@link #transition}, whose WHERE
 * clause comes from {@link FileStateMachine}: a change that does not apply updates nothing and returns false.
 */
public class FileRepository {
    private static final String COLUMNS = "id, user_id, original_name, detected_type, size_bytes, sha256, input_key,"
            + " output_key, status, failure_class, failure_reason, attempts, request_id, created_at, updated_at,"
            + " queued_at, started_at, finished_at, pdf_options";

    private final Region region;
    private final DataSource dataSource;

    public FileRepository(Region region, DataSource dataSource) {
        this.region = region;
        this.dataSource = dataSource;
    }

    public Region region() {
        return region;
    }

    public DataSource dataSource() {
        return dataSource;
    }

    public void insertUploaded(String id, String userId, String originalName, String detectedType, long size,
                               String sha256, String requestId) throws SQLException {
        insertUploaded(id, userId, originalName, detectedType, size, sha256, requestId, null);
    }

    /**
     * Inserts the row and, when given, the upload's idempotency key, in one transaction.
     *
     * @return empty when inserted; the id of the file that already holds this key otherwise (nothing inserted)
     */
    public Optional<String> insertUploaded(String id, String userId, String originalName, String detectedType,
                                           long size, String sha256, String requestId, String idempotencyKey)
            throws SQLException {
        return insertUploaded(id, userId, originalName, detectedType, size, sha256, requestId, idempotencyKey,
                PdfOptions.NONE);
    }

    /**
     * Inserts the row with its PDF options and, when given, the upload's idempotency key, in one transaction.
     *
     * @return empty when inserted; the id of the file that already holds this key otherwise (nothing inserted)
     */
    public Optional<String> insertUploaded(String id, String userId, String originalName, String detectedType,
                                           long size, String sha256, String requestId, String idempotencyKey,
                                           PdfOptions options) throws SQLException {
        return insertUploaded(id, userId, originalName, detectedType, size, sha256, requestId, idempotencyKey, options,
                null, null);
    }

    /**
     * As above, with the upload's webhook URL (null: the owner's default, if any), checked by the caller, and the
     * document's password (null: none), sealed into {@code file_passwords} in the same transaction, so the converter
     * never claims the file before its password is there.
     *
     * @return empty when inserted; the id of the file that already holds this key otherwise (nothing inserted)
     */
    public Optional<String> insertUploaded(String id, String userId, String originalName, String detectedType,
                                           long size, String sha256, String requestId, String idempotencyKey,
                                           PdfOptions options, String webhookUrl, String password)
            throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                if (idempotencyKey != null) {
                    try (PreparedStatement k = c.prepareStatement("INSERT IGNORE INTO upload_keys (user_id, idem_key,"
                            + " file_id, created_at) VALUES (?,?,?,UTC_TIMESTAMP(3))")) {
                        k.setString(1, userId);
                        k.setString(2, idempotencyKey);
                        k.setString(3, id);
                        if (k.executeUpdate() == 0) {
                            c.rollback();
                            return fileOfKey(userId, idempotencyKey);
                        }
                    }
                }
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO files (id, user_id, original_name,"
                        + " detected_type, size_bytes, sha256, input_key, output_key, status, attempts, request_id,"
                        + " pdf_options, webhook_url, created_at, updated_at)"
                        + " VALUES (?,?,?,?,?,?,?,?,?,1,?,?,?,UTC_TIMESTAMP(3),UTC_TIMESTAMP(3))")) {
                    ps.setString(1, id);
                    ps.setString(2, userId);
                    ps.setString(3, originalName);
                    ps.setString(4, detectedType);
                    ps.setLong(5, size);
                    ps.setString(6, sha256);
                    ps.setString(7, S3Keys.input(userId, id));
                    ps.setString(8, S3Keys.output(userId, id));
                    ps.setString(9, FileStatus.UPLOADED.name());
                    ps.setString(10, requestId);
                    ps.setString(11, options == null ? null : options.toJson());
                    ps.setString(12, webhookUrl);
                    ps.executeUpdate();
                }
                if (password != null) {
                    try (PreparedStatement pw = c.prepareStatement("INSERT INTO file_passwords (file_id, sealed,"
                            + " created_at) VALUES (?,?,UTC_TIMESTAMP(3))")) {
                        pw.setString(1, id);
                        pw.setBytes(2, PasswordSealer.ofProcess().seal(id, password));
                        pw.executeUpdate();
                    }
                }
                c.commit();
                return Optional.empty();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    /** The file an upload key was first used for. */
    public Optional<String> fileOfKey(String userId, String idempotencyKey) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "SELECT file_id FROM upload_keys WHERE user_id=? AND idem_key=?")) {
            ps.setString(1, userId);
            ps.setString(2, idempotencyKey);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        }
    }

    public Optional<FileRecord> find(String id) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM files WHERE id=?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(map(rs)) : Optional.empty();
            }
        }
    }

    /** Ownership is part of the query: another user's id is indistinguishable from a missing one. */
    public Optional<FileRecord> findOwned(String userId, String id) throws SQLException {
        return find(id).filter(f -> f.userId().equals(userId));
    }

    /** The user's files, newest first, ids strictly below {@code beforeId} when given (cursor paging). */
    public List<FileRecord> listOwned(String userId, FileStatus status, String beforeId, int limit)
            throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM files WHERE user_id=?");
        if (status != null) {
            sql.append(" AND status=?");
        }
        if (beforeId != null) {
            sql.append(" AND id<?");
        }
        sql.append(" ORDER BY id DESC LIMIT ?");
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql.toString())) {
            int i = 1;
            ps.setString(i++, userId);
            if (status != null) {
                ps.setString(i++, status.name());
            }
            if (beforeId != null) {
                ps.setString(i++, beforeId);
            }
            ps.setInt(i, limit);
            return records(ps);
        }
    }

    /**
     * Rows whose last change is at or after {@code since} (the database's clock), oldest change first: the API's live
     * status feed reads every user's changes of a region with one query per pass.
     */
    public List<FileRecord> changedSince(Instant since, int limit) throws SQLException {
        String sql = "SELECT " + COLUMNS + " FROM files WHERE updated_at>=? ORDER BY updated_at, id LIMIT ?";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, LocalDateTime.ofInstant(since, ZoneOffset.UTC));
            ps.setInt(2, limit);
            return records(ps);
        }
    }

    /** One user's rows changed at or after {@code since}, oldest change first (a stream resumed by Last-Event-ID). */
    public List<FileRecord> changedSince(String userId, Instant since, int limit) throws SQLException {
        String sql = "SELECT " + COLUMNS + " FROM files WHERE updated_at>=? AND user_id=? ORDER BY updated_at, id"
                + " LIMIT ?";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, LocalDateTime.ofInstant(since, ZoneOffset.UTC));
            ps.setString(2, userId);
            ps.setInt(3, limit);
            return records(ps);
        }
    }

    /**
     * Files deleted at or after {@code since} (the tombstones FileEraser writes), id to deletion time, oldest first:
     * for caches of other processes to drop.
     */
    public Map<String, Instant> deletedSince(Instant since, int limit) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT id, deleted_at FROM deleted_files WHERE deleted_at>=? ORDER BY deleted_at LIMIT ?")) {
            ps.setObject(1, LocalDateTime.ofInstant(since, ZoneOffset.UTC));
            ps.setInt(2, limit);
            Map<String, Instant> deleted = new LinkedHashMap<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    deleted.put(rs.getString(1), instant(rs, "deleted_at"));
                }
            }
            return deleted;
        }
    }

    /** The database's clock, which writes every updated_at: the feed's starting point, free of JVM clock skew. */
    public Instant databaseNow() throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT UTC_TIMESTAMP(3)"); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getObject(1, LocalDateTime.class).toInstant(ZoneOffset.UTC);
        }
    }

    /**
     * The user's files not yet terminal (uploaded, queued, converting), counted up to {@code atMost}: the per-user
     * in-flight limit of the API, read from MySQL so every API replica sees the same number.
     */
    public int countInFlight(String userId, int atMost) throws SQLException {
        String open = Arrays.stream(FileStatus.values()).filter(s -> !s.isTerminal())
                .map(s -> "'" + s.name() + "'").collect(Collectors.joining(","));
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM (SELECT 1 FROM files WHERE user_id=?"
                     + " AND status IN (" + open + ") LIMIT ?) open_files")) {
            ps.setString(1, userId);
            ps.setInt(2, atMost);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    /** Every row a prepared query returns, mapped. */
    private List<FileRecord> records(PreparedStatement ps) throws SQLException {
        List<FileRecord> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(map(rs));
            }
        }
        return out;
    }

    /** Files in the given states (used to resume in-process work after a crash). */
    public List<FileRecord> findInStatus(Set<FileStatus> statuses) throws SQLException {
        String in = statuses.stream().map(s -> "'" + s.name() + "'").collect(Collectors.joining(","));
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM files WHERE status IN (" + in
                     + ") ORDER BY id")) {
            return records(ps);
        }
    }

    /**
     * Rows in {@code statuses} whose last change is older than {@code unchangedFor} by the database's clock (so
     * the caller's clock skew does not matter), in id order after {@code afterId} (null: from the start), at most
     * {@code limit}: one page of the sweeper's scan.
     */
    public List<FileRecord> findUnchanged(Set<FileStatus> statuses, Duration unchangedFor, String afterId,
                                          int limit) throws SQLException {
        String sql = "SELECT " + COLUMNS + " FROM files WHERE status IN (" + inList(statuses) + ")"
                + " AND updated_at < UTC_TIMESTAMP(3) - INTERVAL ? SECOND" + (afterId == null ? "" : " AND id > ?")
                + " ORDER BY id LIMIT ?";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            int i = 1;
            ps.setLong(i++, unchangedFor.toSeconds());
            if (afterId != null) {
                ps.setString(i++, afterId);
            }
            ps.setInt(i, limit);
            return records(ps);
        }
    }

    // ---- transitions -------------------------------------------------------------------------------------

    /** UPLOADED -> QUEUED, inside the caller's transaction (the dispatcher commits it with the offset). */
    public boolean markQueued(Connection c, String id, int attempt) throws SQLException {
        return transition(c, id, attempt, FileStatus.QUEUED, ", queued_at=UTC_TIMESTAMP(3)");
    }

    /** QUEUED (or an interrupted CONVERTING) -> CONVERTING: the converter claims the attempt. */
    public boolean claimForConversion(String id, int attempt) throws SQLException {
        return inTx(c -> transition(c, id, attempt, FileStatus.CONVERTING, ", started_at=UTC_TIMESTAMP(3)"));
    }

    public boolean markConverted(String id, int attempt, long conversionMillis) throws SQLException {
        return terminalTx(id, c -> transition(c, id, attempt, FileStatus.CONVERTED,
                ", finished_at=UTC_TIMESTAMP(3), failure_class=NULL, failure_reason=NULL, conversion_ms="
                        + Math.max(0, conversionMillis)));
    }

    public boolean markFailed(String id, int attempt, FailureClass failureClass, String reason) throws SQLException {
        return terminalTx(id, c -> transitionFailed(c, id, attempt, failureClass, reason));
    }

    /**
     * The document password of a file not yet terminal, opened with this process's key; empty when none was given
     * (or it cannot be opened). Never logged, never part of {@link FileRecord}.
     */
    public Optional<String> password(String id) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT sealed FROM file_passwords WHERE file_id=?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? PasswordSealer.ofProcess().open(id, rs.getBytes(1)) : Optional.empty();
            }
        }
    }

    /** A password is kept only until its file is terminal (a retry of a FAILED file therefore has none). */
    private static void forgetPassword(Connection c, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM file_passwords WHERE file_id=?")) {
            ps.setString(1, id);
            ps.executeUpdate();
        }
    }

    private boolean transitionFailed(Connection c, String id, int attempt, FailureClass fc, String reason)
            throws SQLException {
        String sql = "UPDATE files SET status=?, updated_at=UTC_TIMESTAMP(3), finished_at=UTC_TIMESTAMP(3),"
                + " failure_class=?, failure_reason=? WHERE id=? AND attempts=? AND status IN ("
                + inList(FileStateMachine.sourcesOf(FileStatus.FAILED)) + ")";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, FileStatus.FAILED.name());
            ps.setString(2, fc.name());
            ps.setString(3, truncate(reason, 1000));
            ps.setString(4, id);
            ps.setInt(5, attempt);
            return ps.executeUpdate() == 1;
        }
    }

    /** Any non-terminal state -> CANCELLED, for the owner only. */
    public boolean cancel(String userId, String id) throws SQLException {
        String sql = "UPDATE files SET status=?, updated_at=UTC_TIMESTAMP(3), finished_at=UTC_TIMESTAMP(3)"
                + " WHERE id=? AND user_id=? AND status IN (" + inList(FileStateMachine.sourcesOf(FileStatus.CANCELLED))
                + ")";
        return terminalTx(id, c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setString(1, FileStatus.CANCELLED.name());
                ps.setString(2, id);
                ps.setString(3, userId);
                return ps.executeUpdate() == 1;
            }
        });
    }

    /** FAILED -> UPLOADED with attempts + 1, only for the attempt the caller saw (so two retry runs do not both apply). */
    public boolean requeueForRetry(String id, int seenAttempt) throws SQLException {
        String sql = "UPDATE files SET status=?, attempts=attempts+1, updated_at=UTC_TIMESTAMP(3), queued_at=NULL,"
                + " started_at=NULL, finished_at=NULL WHERE id=? AND attempts=? AND status IN ("
                + inList(FileStateMachine.sourcesOf(FileStatus.UPLOADED)) + ")";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, FileStatus.UPLOADED.name());
            ps.setString(2, id);
            ps.setInt(3, seenAttempt);
            return ps.executeUpdate() == 1;
        }
    }

    private boolean transition(Connection c, String id, int attempt, FileStatus target, String extraSet)
            throws SQLException {
        String sql = "UPDATE files SET status=?, updated_at=UTC_TIMESTAMP(3)" + extraSet
                + " WHERE id=? AND attempts=? AND status IN (" + inList(FileStateMachine.sourcesOf(target)) + ")";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, target.name());
            ps.setString(2, id);
            ps.setInt(3, attempt);
            return ps.executeUpdate() == 1;
        }
    }

    private static String inList(Set<FileStatus> statuses) {
        return statuses.stream().map(s -> "'" + s.name() + "'").collect(Collectors.joining(","));
    }

    private interface TxWork {
        boolean run(Connection c) throws SQLException;
    }

    private boolean inTx(TxWork work) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            return work.run(c);
        }
    }

    /**
     * A transition into a terminal state, its webhook delivery row ({@link WebhookOutbox#enqueue}) and the removal
     * of the document password, in one transaction. The outbox lives here rather than in the dispatcher: terminal
     * states are written by several processes (operator sink, API cancel, sweeper, retry job), all through this
     * class, and committing the row with the transition makes "one delivery per terminal state, surviving any crash"
     * hold without reading the CDC stream.
     */
    private boolean terminalTx(String id, TxWork work) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                boolean changed = work.run(c);
                if (changed) {
                    WebhookOutbox.enqueue(c, id);
                    forgetPassword(c, id);
                }
                c.commit();
                return changed;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    static String truncate(String s, int max) {
        if (s == null) {
            return null;
        }
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }

    private FileRecord map(ResultSet rs) throws SQLException {
        String fc = rs.getString("failure_class");
        return new FileRecord(
                rs.getString("id"), rs.getString("user_id"), region, rs.getString("original_name"),
                rs.getString("detected_type"), rs.getLong("size_bytes"), rs.getString("sha256"),
                rs.getString("input_key"), rs.getString("output_key"), FileStatus.valueOf(rs.getString("status")),
                fc == null ? null : FailureClass.valueOf(fc), rs.getString("failure_reason"), rs.getInt("attempts"),
                rs.getString("request_id"), instant(rs, "created_at"), instant(rs, "updated_at"),
                instant(rs, "queued_at"), instant(rs, "started_at"), instant(rs, "finished_at"),
                PdfOptions.fromJson(rs.getString("pdf_options")));
    }

    /**
     * Every DATETIME is written as UTC_TIMESTAMP(3) by the server, so it is read as the wall-clock value it stores and
     * taken as UTC, whatever the JVM's or the session's time zone: a java.sql.Timestamp would go through the JVM's
     * zone (Connector/J and the MariaDB driver both do that) and shift a value inside a daylight-saving gap.
     */
    private static Instant instant(ResultSet rs, String col) throws SQLException {
        LocalDateTime ldt = rs.getObject(col, LocalDateTime.class);
        return ldt == null ? null : ldt.toInstant(ZoneOffset.UTC);
    }
}
