package io.fileconv.core.webhook;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/** A user's webhook settings in the home region's {@code webhook_settings}: default URL (may be null) and secret. */
public final class WebhookSettings {
    public record Setting(String url, String secret) {
    }

    private final DataSource dataSource;

    public WebhookSettings(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public Optional<Setting> find(String userId) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT url, secret FROM webhook_settings WHERE user_id=?")) {
            ps.setString(1, userId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new Setting(rs.getString(1), rs.getString(2))) : Optional.empty();
            }
        }
    }

    /** The user's settings, with a new secret and no default URL on first use (two first uses keep one secret). */
    public Setting findOrCreate(String userId) throws SQLException {
        update("INSERT IGNORE INTO webhook_settings (user_id, url, secret, updated_at)"
                + " VALUES (?, NULL, ?, UTC_TIMESTAMP(3))", userId, WebhookSigner.newSecret());
        return find(userId).orElseThrow();
    }

    /** Sets (or with null clears) the default URL; the caller has checked it with {@link WebhookAddressPolicy}. */
    public Setting setDefaultUrl(String userId, String url) throws SQLException {
        findOrCreate(userId);
        update("UPDATE webhook_settings SET url=?, updated_at=UTC_TIMESTAMP(3) WHERE user_id=?", url, userId);
        return find(userId).orElseThrow();
    }

    /** A new secret; deliveries still pending are signed with it from now on. */
    public Setting rotateSecret(String userId) throws SQLException {
        findOrCreate(userId);
        update("UPDATE webhook_settings SET secret=?, updated_at=UTC_TIMESTAMP(3) WHERE user_id=?",
                WebhookSigner.newSecret(), userId);
        return find(userId).orElseThrow();
    }

    /** Erasure: the settings and every delivery of the user, pending or not. */
    public void eraseUser(String userId) throws SQLException {
        update("DELETE FROM webhook_deliveries WHERE user_id=?", userId);
        update("DELETE FROM webhook_settings WHERE user_id=?", userId);
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
