package io.fileconv.api;

import io.fileconv.core.FileRecord;
import io.fileconv.core.FileStatus;
import io.fileconv.core.Region;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The status read cache: served from memory until the feed or this API reports a change, never filled stale. */
class StatusReadCacheTest {
    private static final String ID = "01a23a91-8d49-722d-b0c1-9331862a5b98";
    StatusFeed feed;
    StatusReadCache cache;
    final AtomicInteger loads = new AtomicInteger();
    final AtomicReference<FileRecord> row = new AtomicReference<>(record(FileStatus.QUEUED));

    static FileRecord record(FileStatus status) {
        Instant t = Instant.parse("2026-12-03T06:00:00Z");
        return new FileRecord(ID, "alice", Region.IN, "a.txt", "text/plain", 1, "0".repeat(64), "in", "out", status,
                null, null, 1, null, t, t, null, null, null, null);
    }

    Optional<FileRecord> read() throws Exception {
        return cache.find(Region.IN, ID, () -> {
            loads.incrementAndGet();
            return Optional.ofNullable(row.get());
        });
    }

    @BeforeEach
    void setUp() {
        feed = new StatusFeed(List.of(), Duration.ofMillis(50)); // no regions: each pass completes at once
        cache = new StatusReadCache(feed);
    }

    @AfterEach
    void tearDown() {
        feed.close();
    }

    @Test
    void untilTheFeedHasCompletedAPassEveryReadGoesToTheDatabase() throws Exception {
        StatusFeed idle = new StatusFeed(List.of(), Duration.ofHours(1));
        try {
            StatusReadCache notYet = new StatusReadCache(idle);
            for (int i = 0; i < 3; i++) {
                notYet.find(Region.IN, ID, () -> {
                    loads.incrementAndGet();
                    return Optional.of(row.get());
                });
            }
            assertThat(loads).hasValue(3);
        } finally {
            idle.close();
        }
    }

    @Test
    void aRepeatedReadIsServedFromMemoryUntilAChangeIsReported() throws Exception {
        await().atMost(Duration.ofSeconds(10)).until(() -> feed.currentWithin(StatusReadCache.TTL));
        assertThat(read()).contains(record(FileStatus.QUEUED));
        assertThat(read()).contains(record(FileStatus.QUEUED));
        assertThat(loads).as("the second read came from memory").hasValue(1);

        row.set(record(FileStatus.CONVERTED));
        cache.changed(record(FileStatus.CONVERTED)); // what the feed does on its next pass
        assertThat(read()).contains(record(FileStatus.CONVERTED));
        assertThat(loads).hasValue(2);

        row.set(null);
        cache.deleted(Region.IN, ID); // a deletion by the retention job, seen in deleted_files
        assertThat(read()).isEmpty();
        assertThat(read()).as("absence is not cached").isEmpty();
        assertThat(loads).hasValue(4);
    }

    @Test
    void aChangeReportedWhileARowIsBeingReadKeepsThatReadOutOfTheCache() throws Exception {
        await().atMost(Duration.ofSeconds(10)).until(() -> feed.currentWithin(StatusReadCache.TTL));
        Optional<FileRecord> first = cache.find(Region.IN, ID, () -> {
            loads.incrementAndGet();
            FileRecord seen = row.get();
            // The row changes (and is reported) after the database answered, before the answer is cached.
            row.set(record(FileStatus.CANCELLED));
            cache.invalidate(Region.IN, ID);
            return Optional.of(seen);
        });
        assertThat(first).contains(record(FileStatus.QUEUED));
        assertThat(read()).as("the older answer was not kept").contains(record(FileStatus.CANCELLED));
        assertThat(loads).hasValue(2);
    }

    @Test
    void whenTheFeedStopsBeingCurrentReadsGoToTheDatabaseAgain() throws Exception {
        await().atMost(Duration.ofSeconds(10)).until(() -> feed.currentWithin(StatusReadCache.TTL));
        read();
        feed.close(); // a feed that cannot read the database any more (its passes stop completing)
        await().atMost(Duration.ofSeconds(10)).until(() -> !feed.currentWithin(StatusReadCache.TTL));
        read();
        read();
        assertThat(loads).hasValue(3);
    }
}
