package io.fileconv.core.migration;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import javax.sql.DataSource;

/**
 * One user's rows of a regional table, read and written column by column: a move keeps every column as it is
 * (ids, status, attempts, timestamps, and any column a later migration adds) without a hand-kept column list.
 * Both regions run the same schema migrations, so the columns match. Table names are the code's own constants.
 */
final class UserRows {
    private UserRows() {
    }

    static List<Map<String, Object>> read(DataSource ds, String table, String userId, String orderBy)
            throws SQLException {
        try (Connection c = ds.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT * FROM " + table + " WHERE user_id=? ORDER BY "
                     + orderBy)) {
            ps.setString(1, userId);
            try (ResultSet rs = ps.executeQuery()) {
                ResultSetMetaData md = rs.getMetaData();
                List<Map<String, Object>> rows = new ArrayList<>();
                while (rs.next()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    for (int i = 1; i <= md.getColumnCount(); i++) {
                        // DATETIME as the wall-clock value it stores: a java.sql.Timestamp would go through the
                        // JVM's time zone and could shift by an hour around a daylight-saving change.
                        int type = md.getColumnType(i);
                        row.put(md.getColumnLabel(i), type == Types.TIMESTAMP || type == Types.TIMESTAMP_WITH_TIMEZONE
                                ? rs.getObject(i, LocalDateTime.class) : rs.getObject(i));
                    }
                    rows.add(row);
                }
                return rows;
            }
        }
    }

    /** Inserts the rows, or overwrites them where the key exists, in one transaction. */
    static void upsert(DataSource ds, String table, List<Map<String, Object>> rows) throws SQLException {
        write(ds, table, rows, true);
    }

    /** Inserts the rows whose key is not there yet; existing rows are left as they are. */
    static void insertMissing(DataSource ds, String table, List<Map<String, Object>> rows) throws SQLException {
        write(ds, table, rows, false);
    }

    private static void write(DataSource ds, String table, List<Map<String, Object>> rows, boolean overwrite)
            throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        List<String> columns = List.copyOf(rows.get(0).keySet());
        String sql = "INSERT " + (overwrite ? "" : "IGNORE ") + "INTO " + table + " (" + String.join(", ", columns)
                + ") VALUES (" + columns.stream().map(x -> "?").collect(Collectors.joining(", ")) + ")"
                + (overwrite ? " ON DUPLICATE KEY UPDATE " + columns.stream().map(col -> col + "=VALUES(" + col + ")")
                .collect(Collectors.joining(", ")) : "");
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                for (Map<String, Object> row : rows) {
                    for (int i = 0; i < columns.size(); i++) {
                        ps.setObject(i + 1, row.get(columns.get(i)));
                    }
                    ps.addBatch();
                }
                ps.executeBatch();
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    /** Deletes a files row by id if it is (still) in one of the given statuses; false if not. */
    static boolean deleteFileIn(DataSource ds, Object id, List<String> statuses) throws SQLException {
        try (Connection c = ds.getConnection();
             PreparedStatement ps = c.prepareStatement("DELETE FROM files WHERE id=? AND status IN ("
                     + statuses.stream().map(x -> "?").collect(Collectors.joining(",")) + ")")) {
            ps.setObject(1, id);
            for (int i = 0; i < statuses.size(); i++) {
                ps.setString(i + 2, statuses.get(i));
            }
            return ps.executeUpdate() == 1;
        }
    }

    /** Those of {@code ids} that were deleted in this region (the {@code deleted_files} tombstones). */
    static Set<Object> deleted(DataSource ds, List<Object> ids) throws SQLException {
        Set<Object> out = new HashSet<>();
        if (ids.isEmpty()) {
            return out;
        }
        String marks = String.join(",", Collections.nCopies(ids.size(), "?"));
        try (Connection c = ds.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT id FROM deleted_files WHERE id IN (" + marks + ")")) {
            for (int i = 0; i < ids.size(); i++) {
                ps.setObject(i + 1, ids.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    static void deleteAll(DataSource ds, String table, String userId) throws SQLException {
        try (Connection c = ds.getConnection();
             PreparedStatement ps = c.prepareStatement("DELETE FROM " + table + " WHERE user_id=?")) {
            ps.setString(1, userId);
            ps.executeUpdate();
        }
    }
}
