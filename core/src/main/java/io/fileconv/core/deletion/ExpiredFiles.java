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

/** The retention job's query: terminal files of one region that finished longer ago than the retention period. */
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
}
