package io.fileconv.pipeline.retry;

import io.fileconv.core.FailureClass;
import io.fileconv.core.FileStatus;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import javax.sql.DataSource;

/**
 * The candidate query, kept here rather than in core's FileRepository because only the retry job needs it; the
 * transition itself stays core's ({@code FileRepository#requeueForRetry}).
 */
final class RetryCandidates implements RetryPass.Candidates {
    /** FAILED rows of a retryable class below the attempt limit; the class list comes from {@link FailureClass}. */
    static final String SQL = "SELECT id, attempts, user_id FROM files WHERE status='" + FileStatus.FAILED.name() + "'"
            + " AND failure_class IN (" + Arrays.stream(FailureClass.values()).filter(FailureClass::retryable)
                    .map(f -> "'" + f.name() + "'").collect(Collectors.joining(",")) + ")"
            + " AND attempts < ? AND id > ? ORDER BY id LIMIT ?";

    private final DataSource dataSource;
    private final int maxAttempts;

    RetryCandidates(DataSource dataSource, int maxAttempts) {
        this.dataSource = dataSource;
        this.maxAttempts = maxAttempts;
    }

    @Override
    public List<RetryCandidate> after(String afterId, int limit) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(SQL)) {
            ps.setInt(1, maxAttempts);
            // Ids are ULID/UUIDv7 strings; "" sorts before all of them.
            ps.setString(2, afterId == null ? "" : afterId);
            ps.setInt(3, limit);
            List<RetryCandidate> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new RetryCandidate(rs.getString(1), rs.getInt(2), rs.getString(3)));
                }
            }
            return out;
        }
    }
}
