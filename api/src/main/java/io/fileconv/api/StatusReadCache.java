package io.fileconv.api;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.fileconv.core.FileRecord;
import io.fileconv.core.Region;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Status reads ({@code GET /api/v1/files/{id}}) served from memory while the row has not changed. The status feed
 * tells the cache of every change and deletion in the served regions, whichever process made it, within one feed
 * pass (half a second), and this API's own cancels and deletes drop the entry at once; an entry also expires after
 * {@link #TTL}, the staleness the user directory's cache already allows. While the feed is not current (the
 * database unreachable, the first pass not done) reads go to the database.
 *
 * <p>A read that misses fills the cache only if no invalidation of its stripe happened while it read the row, so a
 * change that lands between the database read and the fill cannot leave the old row cached.
 */
final class StatusReadCache implements StatusFeed.Watcher {
    static final Duration TTL = Duration.ofSeconds(2);
    private static final int STRIPES = 1024;

    private record Key(Region region, String fileId) {
    }

    /** A database read of one row. */
    interface Loader {
        Optional<FileRecord> load() throws Exception;
    }

    private final StatusFeed feed;
    private final Cache<Key, FileRecord> rows = Caffeine.newBuilder().maximumSize(100_000).expireAfterWrite(TTL)
            .build();
    private final AtomicLongArray generations = new AtomicLongArray(STRIPES);

    StatusReadCache(StatusFeed feed) {
        this.feed = feed;
        feed.watch(this);
    }

    Optional<FileRecord> find(Region region, String fileId, Loader loader) throws Exception {
        Key key = new Key(region, fileId);
        if (!feed.currentWithin(TTL)) {
            return loader.load();
        }
        FileRecord hit = rows.getIfPresent(key);
        if (hit != null) {
            return Optional.of(hit);
        }
        int stripe = stripe(key);
        long before = generations.get(stripe);
        Optional<FileRecord> row = loader.load();
        if (row.isPresent() && generations.get(stripe) == before) {
            rows.put(key, row.get());
        }
        return row;
    }

    /** This API changed or deleted the row: the next read goes to the database. */
    void invalidate(Region region, String fileId) {
        Key key = new Key(region, fileId);
        generations.incrementAndGet(stripe(key));
        rows.invalidate(key);
    }

    @Override
    public void changed(FileRecord f) {
        invalidate(f.region(), f.id());
    }

    @Override
    public void deleted(Region region, String fileId) {
        invalidate(region, fileId);
    }

    private static int stripe(Key key) {
        return Math.floorMod(key.hashCode(), STRIPES);
    }
}
