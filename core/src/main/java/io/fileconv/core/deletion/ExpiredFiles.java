package io.fileconv.core.deletion;

import io.fileconv.core.FileStatus;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The retention job's queries: terminal files of one region that finished longer ago than the retention period, and
 * the pruning of old deletion records.
 */
public final class ExpiredFiles {
    /** One file past retention: enough to delete it and to ask the directory about its owner. */
    public record Expired(String id, String userId) {
    }

    private static final String TERMINAL = Arrays.stream(FileStatus.values()).filter(FileStatus::isTerminal)
            .map(s -> "'" + s.name() + "'").collect(Collectors.joining(","));

    private final DataSource dataSource;

    public ExpiredFiles(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * Terminal files whose {@code finished_at} is older than {@code retention} by the database's clock (every
     * terminal transition writes it), in id order after {@code afterId} (null: from the start), at most
     * {@code limit}.
     */
    public List<Expired> page(Duration retention, String afterId, int limit) throws SQLException {
        String sql = "SELECT id, user_id FROM files WHERE status IN (" + TERMINAL + ")"
                + " AND finished_at < UTC_TIMESTAMP(3) - INTERVAL ? SECOND" + (afterId == null ? "" : " AND id > ?")
                + " ORDER BY id LIMIT ?";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            int i = 1;
            ps.setLong(i++, retention.toSeconds());
            if (afterId != null) {
                ps.setString(i++, afterId);
            }
            ps.setInt(i, limit);
            List<Expired> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Expired(rs.getString(1), rs.getString(2)));
                }
            }
            return out;
        }
    }

    /**
     * Forgets ids in {@code deleted_files} recorded more than {@code age} ago: a region move's clean-up needs them
     * only until it ran, which is long over by then.
     */
    public int pruneDeletionRecords(Duration age) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "DELETE FROM deleted_files WHERE deleted_at < UTC_TIMESTAMP(3) - INTERVAL ? SECOND")) {
            ps.setLong(1, age.toSeconds());
            return ps.executeUpdate();
        }
    }
}
