package io.fileconv.core;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.OptionalLong;

/** Kafka positions kept in MySQL so that they commit atomically with the effect of the events before them. */
public class ConsumerOffsetStore {
    private final DataSource dataSource;

    public ConsumerOffsetStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public OptionalLong nextOffset(String group, String topic, int partition) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "SELECT next_offset FROM consumer_offsets WHERE group_id=? AND topic=? AND partition_no=?")) {
            ps.setString(1, group);
            ps.setString(2, topic);
            ps.setInt(3, partition);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? OptionalLong.of(rs.getLong(1)) : OptionalLong.empty();
            }
        }
    }

    /** Never moves backwards: a stale writer (e.g. a consumer that lost its partition) cannot rewind. */
    public void save(Connection c, String group, String topic, int partition, long nextOffset) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO consumer_offsets (group_id, topic, partition_no,"
                + " next_offset, updated_at) VALUES (?,?,?,?,UTC_TIMESTAMP(3)) ON DUPLICATE KEY UPDATE"
                + " next_offset=GREATEST(next_offset, VALUES(next_offset)), updated_at=UTC_TIMESTAMP(3)")) {
            ps.setString(1, group);
            ps.setString(2, topic);
            ps.setInt(3, partition);
            ps.setLong(4, nextOffset);
            ps.executeUpdate();
        }
    }
}
