package io.fileconv.api;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.fileconv.core.FileRecord;
import io.fileconv.core.FileStatus;
import io.fileconv.core.Region;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * List pages ({@code GET /api/v1/files}) served from memory while none of the user's files has changed, on the same
 * terms as {@link StatusReadCache}: the status feed reports each change (by user) and each deletion, this API its own
 * uploads, cancels and deletes, and a page expires after {@link StatusReadCache#TTL}.
 *
 * <p>A page's key holds the generation of its user's stripe and the deletion generation when it was read, so a
 * change makes every cached page of that user unreachable at once; a deletion (whose tombstone names no user) does
 * that for all users, which is cheap because deletions are rare next to reads.
 */
final class ListReadCache implements StatusFeed.Watcher {
    private static final int STRIPES = 1024;

    /** One page as asked for, and the generations it was read under. */
    private record Key(Region region, String userId, FileStatus status, String cursor, int limit, long userGeneration,
                       long deletionGeneration) {
    }

    /** A database read of one page. */
    interface Loader {
        List<FileRecord> load() throws Exception;
    }

    private final StatusFeed feed;
    private final Cache<Key, List<FileRecord>> pages = Caffeine.newBuilder().maximumSize(20_000)
            .expireAfterWrite(StatusReadCache.TTL).build();
    private final AtomicLongArray users = new AtomicLongArray(STRIPES);
    private final AtomicLong deletions = new AtomicLong();

    ListReadCache(StatusFeed feed) {
        this.feed = feed;
        feed.watch(this);
    }

    List<FileRecord> page(Region region, String userId, FileStatus status, String cursor, int limit, Loader loader)
            throws Exception {
        if (!feed.currentWithin(StatusReadCache.TTL)) {
            return loader.load();
        }
        int stripe = stripe(region, userId);
        Key key = new Key(region, userId, status, cursor, limit, users.get(stripe), deletions.get());
        List<FileRecord> hit = pages.getIfPresent(key);
        if (hit != null) {
            return hit;
        }
        List<FileRecord> page = List.copyOf(loader.load());
        if (users.get(stripe) == key.userGeneration() && deletions.get() == key.deletionGeneration()) {
            pages.put(key, page);
        }
        return page;
    }

    /** This API uploaded, cancelled or deleted one of the user's files. */
    void userChanged(Region region, String userId) {
        users.incrementAndGet(stripe(region, userId));
    }

    @Override
    public void changed(FileRecord f) {
        userChanged(f.region(), f.userId());
    }

    @Override
    public void deleted(Region region, String fileId) {
        deletions.incrementAndGet();
    }

    private static int stripe(Region region, String userId) {
        return Math.floorMod(31 * region.hashCode() + userId.hashCode(), STRIPES);
    }
}
