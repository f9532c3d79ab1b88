package io.fileconv.core.deletion;

import java.util.Locale;

/** Why a file was deleted: the label of fileconv_files_deleted_total and the word in the log line. */
public enum DeletionReason {
    /** DELETE /api/v1/files/{id} by the owner. */
    API,
    /** A terminal file older than FILECONV_RETENTION_DAYS. */
    RETENTION,
    /** The erasure command removed all of a user's data. */
    ERASURE;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
