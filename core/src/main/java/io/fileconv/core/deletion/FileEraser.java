package io.fileconv.core.deletion;

import io.fileconv.core.FileRecord;
import io.fileconv.core.FileRepository;
import io.fileconv.core.LogContext;
import io.fileconv.core.ObjectStore;
import io.fileconv.core.S3Keys;
import io.fileconv.core.metrics.DeletionMetrics;
import io.fileconv.core.webhook.WebhookSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;

/**
 * The one way a file is deleted, whoever asks (the API, the retention job, the erasure command):
 * <ol>
 *   <li>a file still in the pipeline is cancelled through the state machine ({@link FileRepository#cancel}), so
 *   its CANCELLED change event reaches the dispatcher and the launcher stops the conversion exactly as for the
 *   cancel endpoint (lease revoked, office process killed, Job deleted);</li>
 *   <li>everything under the file's prefix goes: input, PDF, parts of unfinished multipart uploads;</li>
 *   <li>then the row and its idempotency keys, in one transaction that also records the id in
 *   {@code deleted_files}, so that a region move's clean-up does not take the source's copy of a file deleted in
 *   the target for a late upload and bring it back.</li>
 * </ol>
 * Objects go before the row, so a crash in between leaves a row that a retry (the client's, the next retention
 * pass, the command run again) finds and finishes. A PDF a converter writes after this is discarded where its
 * outcome arrives: the row is gone or CANCELLED, not CONVERTED ({@code PooledWork.deleteUnlessConverted}).
 */
public final class FileEraser {
    private static final Logger LOG = LoggerFactory.getLogger(FileEraser.class);
    private static final int PAGE = 100;

    private final ObjectStore store;
    private final DeletionMetrics metrics;

    public FileEraser(ObjectStore store, DeletionMetrics metrics) {
        this.store = store;
        this.metrics = metrics;
    }

    /**
     * Deletes one file of {@code userId}. Safe to repeat and to run concurrently for the same file: the second
     * finds nothing left and returns false.
     *
     * @return true when this call deleted the row
     */
    public boolean erase(FileRepository files, String bucket, String userId, String fileId, DeletionReason reason)
            throws SQLException {
        try (LogContext ignored = LogContext.forFile(fileId, userId, files.region(), null, null)) {
            boolean cancelled = files.cancel(userId, fileId);
            int objects = store.deleteUnder(bucket, S3Keys.fileFolder(userId, fileId));
            boolean deleted = deleteRow(files, userId, fileId);
            if (deleted) {
                metrics.deleted(files.region(), reason);
                LOG.info("deleted file={} reason={} objects={}{}", fileId, reason.label(), objects,
                        cancelled ? " (cancelled first)" : "");
            }
            return deleted;
        }
    }

    /**
     * Deletes every file of {@code userId} in this region, then whatever else the bucket holds under the user's
     * prefix (objects and parts of uploads that never got a row) and the user's remaining idempotency keys.
     *
     * @return the number of rows deleted
     */
    public int eraseUser(FileRepository files, String bucket, String userId) throws SQLException {
        int deleted = 0;
        String cursor = null;
        while (true) {
            List<FileRecord> page = files.listOwned(userId, null, cursor, PAGE);
            for (FileRecord f : page) {
                if (erase(files, bucket, userId, f.id(), DeletionReason.ERASURE)) {
                    deleted++;
                }
            }
            if (page.size() < PAGE) {
                break;
            }
            cursor = page.get(page.size() - 1).id();
        }
        int leftovers = store.deleteUnder(bucket, S3Keys.userFolder(userId));
        execute(files, "DELETE FROM upload_keys WHERE user_id=?", userId);
        new WebhookSettings(files.dataSource()).eraseUser(userId); // default URL, secret, pending deliveries
        LOG.info("erased user data in region {}: {} files, {} objects without a row", files.region().code(), deleted,
                leftovers);
        return deleted;
    }

    private static boolean deleteRow(FileRepository files, String userId, String fileId) throws SQLException {
        try (Connection c = files.dataSource().getConnection()) {
            c.setAutoCommit(false);
            try {
                try (PreparedStatement keys = c.prepareStatement(
                        "DELETE FROM upload_keys WHERE user_id=? AND file_id=?")) {
                    keys.setString(1, userId);
                    keys.setString(2, fileId);
                    keys.executeUpdate();
                }
                int rows;
                try (PreparedStatement row = c.prepareStatement("DELETE FROM files WHERE id=? AND user_id=?")) {
                    row.setString(1, fileId);
                    row.setString(2, userId);
                    rows = row.executeUpdate();
                }
                if (rows == 1) {
                    // The deliveries' body snapshots carry the file's name: deleted means gone, so unsent ones too.
                    try (PreparedStatement hooks = c.prepareStatement(
                            "DELETE FROM webhook_deliveries WHERE file_id=? AND user_id=?")) {
                        hooks.setString(1, fileId);
                        hooks.setString(2, userId);
                        hooks.executeUpdate();
                    }
                    try (PreparedStatement tomb = c.prepareStatement("INSERT IGNORE INTO deleted_files (id,"
                            + " deleted_at) VALUES (?, UTC_TIMESTAMP(3))")) {
                        tomb.setString(1, fileId);
                        tomb.executeUpdate();
                    }
                }
                c.commit();
                return rows == 1;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    private static void execute(FileRepository files, String sql, String param) throws SQLException {
        try (Connection c = files.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, param);
            ps.executeUpdate();
        }
    }
}
