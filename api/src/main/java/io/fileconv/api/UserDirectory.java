package io.fileconv.api;

import io.fileconv.core.Region;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/** The global user directory: each user's home region and whether a region migration has them frozen. */
public final class UserDirectory {
    public record Entry(String userId, Region homeRegion, boolean migrating) {
    }

    private final DataSource dataSource;

    public UserDirectory(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public Optional<Entry> find(String userId) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT home_region, migrating FROM users WHERE user_id=?")) {
            ps.setString(1, userId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new Entry(userId, Region.fromCode(rs.getString(1)), rs.getBoolean(2)))
                        : Optional.empty();
            }
        }
    }

    /** Registers the user in {@code region} unless already registered; returns the (possibly existing) entry. */
    public Entry registerIfAbsent(String userId, Region region) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("INSERT IGNORE INTO users (user_id, home_region, migrating,"
                     + " created_at, updated_at) VALUES (?,?,FALSE,UTC_TIMESTAMP(3),UTC_TIMESTAMP(3))")) {
            ps.setString(1, userId);
            ps.setString(2, region.code());
            ps.executeUpdate();
        }
        return find(userId).orElseThrow();
    }
}
