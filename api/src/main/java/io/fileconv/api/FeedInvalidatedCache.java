package io.fileconv.api;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Predicate;

/**
 * Database reads served from memory while nothing they depend on has changed, invalidated by the status feed (every
 * change and deletion in the served regions, whichever process made it, within one feed pass) and by this API's own
 * writes; an entry also expires after {@link #TTL}, the staleness the user directory's cache already allows. While
 * the feed is not current (database unreachable, first pass not done) every read goes to the database.
 *
 * <p>Each value belongs to a group (a file, a user's files) whose stripe has a generation; an entry remembers the
 * generations it was read under and is used only while they are unchanged, and a read fills the cache only if no
 * invalidation happened while it ran, so a change landing between the database read and the fill cannot leave the
 * old value cached. {@link #invalidateAll()} moves a generation every entry depends on.
 *
 * @param <K> what was asked for (the cache key)
 * @param <V> the value read
 */
final class FeedInvalidatedCache<K, V> {
    static final Duration TTL = Duration.ofSeconds(2);
    private static final int STRIPES = 1024;

    /** A database read. */
    interface Loader<V> {
        V load() throws Exception;
    }

    private record Entry<V>(V value, long groupGeneration, long allGeneration) {
    }

    private final StatusFeed feed;
    private final Predicate<V> cacheable;
    private final Cache<K, Entry<V>> entries;
    private final AtomicLongArray groups = new AtomicLongArray(STRIPES);
    private final AtomicLong all = new AtomicLong();

    /** @param cacheable which values may be kept (e.g. not "no such row") */
    FeedInvalidatedCache(StatusFeed feed, long maximumSize, Predicate<V> cacheable) {
        this.feed = feed;
        this.cacheable = cacheable;
        this.entries = Caffeine.newBuilder().maximumSize(maximumSize).expireAfterWrite(TTL).build();
    }

    /** The value of {@code key}, which belongs to {@code group}: from memory while valid, else from {@code loader}. */
    V get(K key, Object group, Loader<V> loader) throws Exception {
        if (!feed.currentWithin(TTL)) {
            return loader.load();
        }
        int stripe = stripe(group);
        long groupBefore = groups.get(stripe);
        long allBefore = all.get();
        Entry<V> hit = entries.getIfPresent(key);
        if (hit != null && hit.groupGeneration() == groupBefore && hit.allGeneration() == allBefore) {
            return hit.value();
        }
        V value = loader.load();
        if (cacheable.test(value) && groups.get(stripe) == groupBefore && all.get() == allBefore) {
            entries.put(key, new Entry<>(value, groupBefore, allBefore));
        }
        return value;
    }

    /** Something of {@code group} changed: none of its entries is used again. */
    void invalidate(Object group) {
        groups.incrementAndGet(stripe(group));
    }

    /** Something changed that any entry may depend on. */
    void invalidateAll() {
        all.incrementAndGet();
    }

    private static int stripe(Object group) {
        return Math.floorMod(group.hashCode(), STRIPES);
    }
}
