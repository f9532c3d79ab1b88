package io.fileconv.api;

import io.fileconv.core.FileRecord;
import io.fileconv.core.Region;

import java.time.Duration;
import java.util.Optional;

/**
 * Status reads ({@code GET /api/v1/files/{id}}) served from memory while the row has not changed
 * ({@link FeedInvalidatedCache}): the feed reports the row's changes and its deletion, this API its own cancels and
 * deletes at once.
 */
final class StatusReadCache implements StatusFeed.Watcher {
    static final Duration TTL = FeedInvalidatedCache.TTL;

    private record Key(Region region, String fileId) {
    }

    /** A database read of one row. */
    interface Loader {
        Optional<FileRecord> load() throws Exception;
    }

    private final FeedInvalidatedCache<Key, Optional<FileRecord>> rows;

    StatusReadCache(StatusFeed feed) {
        this.rows = new FeedInvalidatedCache<>(feed, 100_000, Optional::isPresent);
        feed.watch(this);
    }

    Optional<FileRecord> find(Region region, String fileId, Loader loader) throws Exception {
        Key key = new Key(region, fileId);
        return rows.get(key, key, loader::load);
    }

    /** This API changed or deleted the row: the next read goes to the database. */
    void invalidate(Region region, String fileId) {
        rows.invalidate(new Key(region, fileId));
    }

    @Override
    public void changed(FileRecord f) {
        invalidate(f.region(), f.id());
    }

    @Override
    public void deleted(Region region, String fileId) {
        invalidate(region, fileId);
    }
}
