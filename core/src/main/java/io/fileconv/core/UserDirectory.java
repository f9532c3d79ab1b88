package io.fileconv.core;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;

/**
 * The global user directory: each user's home region and whether a region migration has them frozen. The API reads
 * it on every request (cached briefly); a region migration freezes the user, then switches the home region.
 */
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

    /**
     * Registers the user in {@code region} unless already registered; returns the (possibly existing) entry.
     * Every authenticated request asks this, so a known user costs one cached look-up: entries are kept for
     * {@link #CACHE_TTL_MS}, short enough that a migration freeze or switch is seen within a couple of seconds.
     */
    public Entry registerIfAbsent(String userId, Region region) throws SQLException {
        Cached hit = cache.get(userId);
        long now = System.currentTimeMillis();
        if (hit != null && now - hit.at() < CACHE_TTL_MS) {
            return hit.entry();
        }
        Entry found = find(userId).orElse(null);
        if (found == null) {
            found = insertIfAbsent(userId, region);
        }
        if (cache.size() > 100_000) {
            cache.clear();
        }
        cache.put(userId, new Cached(found, now));
        return found;
    }

    /** How stale a cached entry may be: a freeze or a switch reaches every API process within this time. */
    public static final long CACHE_TTL_MS = 2_000;

    private record Cached(Entry entry, long at) {
    }

    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    private Entry insertIfAbsent(String userId, Region region) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("INSERT IGNORE INTO users (user_id, home_region, migrating,"
                     + " created_at, updated_at) VALUES (?,?,FALSE,UTC_TIMESTAMP(3),UTC_TIMESTAMP(3))")) {
            ps.setString(1, userId);
            ps.setString(2, region.code());
            ps.executeUpdate();
        }
        return find(userId).orElseThrow();
    }

    /**
     * Freezes the user for the move {@code migrationId} out of {@code from}. False when the user is not (or no
     * longer) there, or another move holds them: one move per user at a time.
     */
    public boolean freeze(String userId, Region from, String migrationId) throws SQLException {
        update("UPDATE users SET migrating=TRUE, migration_id=?, updated_at=UTC_TIMESTAMP(3)"
                + " WHERE user_id=? AND home_region=? AND (migrating=FALSE OR migration_id=?)",
                migrationId, userId, from.code(), migrationId);
        return heldBy(userId, from, migrationId);
    }

    /** True while {@code migrationId} holds the user frozen in {@code from}. */
    public boolean heldBy(String userId, Region from, String migrationId) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT 1 FROM users WHERE user_id=? AND home_region=?"
                     + " AND migrating=TRUE AND migration_id=?")) {
            ps.setString(1, userId);
            ps.setString(2, from.code());
            ps.setString(3, migrationId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** Ends a move that could not finish: the user stays in {@code from} and may upload again. */
    public void unfreeze(String userId, Region from, String migrationId) throws SQLException {
        update("UPDATE users SET migrating=FALSE, migration_id=NULL, updated_at=UTC_TIMESTAMP(3)"
                + " WHERE user_id=? AND home_region=? AND migration_id=?", userId, from.code(), migrationId);
    }

    /** The switch: home becomes {@code to} and the freeze ends, in one statement; a repeat changes nothing. */
    public void switchHome(String userId, Region from, Region to, String migrationId) throws SQLException {
        update("UPDATE users SET home_region=?, migrating=FALSE, migration_id=NULL, updated_at=UTC_TIMESTAMP(3)"
                + " WHERE user_id=? AND home_region=? AND migration_id=?", to.code(), userId, from.code(),
                migrationId);
    }

    /** Removes the user's entry while {@code holderId} holds them frozen in {@code home} (the erasure command). */
    public void remove(String userId, Region home, String holderId) throws SQLException {
        update("DELETE FROM users WHERE user_id=? AND home_region=? AND migration_id=?", userId, home.code(), holderId);
    }

    private void update(String sql, String... params) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setString(i + 1, params[i]);
            }
            ps.executeUpdate();
        }
    }
}
