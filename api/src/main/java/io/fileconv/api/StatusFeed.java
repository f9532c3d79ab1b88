package io.fileconv.api;

import io.fileconv.core.FileRecord;
import io.fileconv.core.FileRepository;
import io.fileconv.core.Region;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Every status change of the served regions, handed to the live streams of the row's owner. One query per region and
 * pass reads all users' changes (index on updated_at), so the cost does not grow with the number of open streams, and
 * it works whichever process made the change (API, dispatcher, operator, retry job) and across API replicas.
 *
 * <p>A row's updated_at is taken when its statement runs but becomes visible at commit, so a pass re-reads the last
 * {@link #OVERLAP} and drops changes it has already handed out. The feed polls while a stream is open or a
 * {@link Watcher} (the status read cache) is registered; watchers also hear of deleted files.
 */
final class StatusFeed implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StatusFeed.class);
    /** Longer than any transaction that changes a files row (single statements, the dispatcher's short batch). */
    static final Duration OVERLAP = Duration.ofSeconds(3);
    /** How often the served regions are read: the lag of a live event and of a cached status read. */
    static final Duration INTERVAL = Duration.ofMillis(500);
    private static final int PAGE = 500;
    /** Per region and pass; a larger backlog continues in the next pass. */
    private static final int MAX_PAGES = 20;

    private final List<FileRepository> regions;
    private final Map<String, Set<Consumer<FileRecord>>> byUser = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "status-feed");
        t.setDaemon(true);
        return t;
    });
    private final List<Watcher> watchers = new CopyOnWriteArrayList<>();
    private volatile long lastCompletePassNanos;
    // Read and written by the timer thread only.
    private final Map<FileRepository, Cursor> cursors = new HashMap<>();

    /** Hears of every change and deletion in the served regions, from the timer thread. */
    interface Watcher {
        void changed(FileRecord f);

        void deleted(Region region, String fileId);
    }

    StatusFeed(List<FileRepository> regions, Duration interval) {
        this.regions = List.copyOf(regions);
        timer.scheduleWithFixedDelay(this::pass, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Hands every later change of {@code userId}'s rows to {@code sink} until the returned handle is closed. */
    AutoCloseable subscribe(String userId, Consumer<FileRecord> sink) {
        byUser.computeIfAbsent(userId, u -> ConcurrentHashMap.newKeySet()).add(sink);
        return () -> byUser.computeIfPresent(userId, (u, sinks) -> {
            sinks.remove(sink);
            return sinks.isEmpty() ? null : sinks;
        });
    }

    /** Registers a watcher for the feed's lifetime; from then on the feed polls whether or not a stream is open. */
    void watch(Watcher watcher) {
        watchers.add(watcher);
    }

    /** Whether a pass read every region within {@code age}: what a watcher knows is that current. */
    boolean currentWithin(Duration age) {
        long at = lastCompletePassNanos;
        return at != 0 && System.nanoTime() - at <= age.toNanos();
    }

    /** Runs {@code task} on the feed's timer every {@code period} (the streams' keep-alive comments). */
    void every(Duration period, Runnable task) {
        timer.scheduleWithFixedDelay(task, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void pass() {
        if (byUser.isEmpty() && watchers.isEmpty()) {
            cursors.clear(); // the next subscriber starts from its own connect time, not from a stale cursor
            return;
        }
        long started = System.nanoTime();
        boolean complete = true;
        for (FileRepository region : regions) {
            try {
                poll(region);
            } catch (Exception e) {
                complete = false;
                LOG.warn("status feed: reading changes of region {} failed; next pass retries", region.region(), e);
            }
        }
        if (complete) {
            lastCompletePassNanos = started;
        }
    }

    private void poll(FileRepository region) throws Exception {
        Cursor cursor = cursors.get(region);
        if (cursor == null) {
            // Starting at now less the overlap loses nothing: a stream opened before this pass replays its own rows
            // from its connect time, and each stream drops what precedes its start.
            cursor = new Cursor(region.databaseNow());
            cursors.put(region, cursor);
        }
        Instant from = cursor.highWater.minus(OVERLAP);
        if (!watchers.isEmpty()) {
            // Before the rows: a watcher that drops a deleted file must not keep it from a change read after.
            for (Map.Entry<String, Instant> d : region.deletedSince(from, PAGE * MAX_PAGES).entrySet()) {
                if (cursor.firstDeletion(d.getKey(), d.getValue())) {
                    watchers.forEach(w -> w.deleted(region.region(), d.getKey()));
                }
            }
        }
        for (int page = 0; page < MAX_PAGES; page++) {
            List<FileRecord> rows = region.changedSince(from, PAGE);
            for (FileRecord f : rows) {
                if (cursor.firstSight(f)) {
                    watchers.forEach(w -> w.changed(f));
                    Set<Consumer<FileRecord>> sinks = byUser.get(f.userId());
                    if (sinks != null) {
                        sinks.forEach(s -> s.accept(f));
                    }
                }
            }
            if (rows.size() < PAGE) {
                break;
            }
            Instant last = rows.get(rows.size() - 1).updatedAt();
            // A full page of one millisecond would repeat itself: step past it (the seen-set keeps duplicates out).
            from = last.equals(from) ? last.plusMillis(1) : last;
        }
        cursor.forgetBefore(cursor.highWater.minus(OVERLAP));
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }

    /** How far a region has been read, and which changes inside the overlap were already handed out. */
    private static final class Cursor {
        Instant highWater;
        final Map<String, FileRecord> seen = new HashMap<>();
        final Map<String, Instant> deleted = new HashMap<>();

        Cursor(Instant start) {
            highWater = start;
        }

        boolean firstSight(FileRecord f) {
            if (f.updatedAt().isAfter(highWater)) {
                highWater = f.updatedAt();
            }
            FileRecord before = seen.put(f.id(), f);
            return before == null || !StatusEvents.sameChange(before, f);
        }

        boolean firstDeletion(String id, Instant at) {
            return deleted.put(id, at) == null;
        }

        void forgetBefore(Instant t) {
            seen.values().removeIf(f -> f.updatedAt().isBefore(t));
            deleted.values().removeIf(at -> at.isBefore(t));
        }
    }
}
