package io.fileconv.api;

import io.fileconv.core.FileRecord;
import io.fileconv.core.FileStatus;
import io.fileconv.core.Region;

import java.util.List;

/**
 * List pages ({@code GET /api/v1/files}) served from memory while none of the user's files has changed
 * ({@link FeedInvalidatedCache}): the feed reports each change by user, this API its own uploads, cancels and
 * deletes. A deletion's tombstone names no user, so it invalidates every page, which is cheap because deletions are
 * rare next to reads.
 */
final class ListReadCache implements StatusFeed.Watcher {

    /** One page as asked for. */
    private record Key(Region region, String userId, FileStatus status, String cursor, int limit) {
    }

    /** Whose files a page lists. */
    private record Owner(Region region, String userId) {
    }

    /** A database read of one page. */
    interface Loader {
        List<FileRecord> load() throws Exception;
    }

    private final FeedInvalidatedCache<Key, List<FileRecord>> pages;

    ListReadCache(StatusFeed feed) {
        this.pages = new FeedInvalidatedCache<>(feed, 20_000, page -> true);
        feed.watch(this);
    }

    List<FileRecord> page(Region region, String userId, FileStatus status, String cursor, int limit, Loader loader)
            throws Exception {
        return pages.get(new Key(region, userId, status, cursor, limit), new Owner(region, userId),
                () -> List.copyOf(loader.load()));
    }

    /** This API uploaded, cancelled or deleted one of the user's files. */
    void userChanged(Region region, String userId) {
        pages.invalidate(new Owner(region, userId));
    }

    @Override
    public void changed(FileRecord f) {
        userChanged(f.region(), f.userId());
    }

    @Override
    public void deleted(Region region, String fileId) {
        pages.invalidateAll();
    }
}
