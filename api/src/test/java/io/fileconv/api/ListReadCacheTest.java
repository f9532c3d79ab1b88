package io.fileconv.api;

import io.fileconv.core.FileRecord;
import io.fileconv.core.FileStatus;
import io.fileconv.core.Region;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The list page cache: a user's pages are read again after any change of theirs or any deletion, never filled stale. */
class ListReadCacheTest {
    StatusFeed feed;
    ListReadCache cache;
    final AtomicInteger loads = new AtomicInteger();

    List<FileRecord> page(String user) throws Exception {
        return cache.page(Region.IN, user, null, null, 20, () -> {
            loads.incrementAndGet();
            return List.of(StatusReadCacheTest.record(FileStatus.QUEUED));
        });
    }

    @BeforeEach
    void setUp() {
        feed = new StatusFeed(List.of(), Duration.ofMillis(50));
        cache = new ListReadCache(feed);
        await().atMost(Duration.ofSeconds(10)).until(() -> feed.currentWithin(StatusReadCache.TTL));
    }

    @AfterEach
    void tearDown() {
        feed.close();
    }

    @Test
    void aUsersPagesAreReadAgainAfterAChangeOfTheirsAndOnlyTheirs() throws Exception {
        page("alice");
        page("alice");
        page("bob");
        assertThat(loads).as("alice's second read came from memory").hasValue(2);

        cache.changed(StatusReadCacheTest.record(FileStatus.CONVERTED)); // one of alice's files, reported by the feed
        page("alice");
        page("bob");
        assertThat(loads).as("only alice's page was read again").hasValue(3);

        cache.userChanged(Region.IN, "bob"); // bob uploaded through this API
        page("bob");
        assertThat(loads).hasValue(4);
    }

    @Test
    void aDeletionAnywhereSendsEveryPageBackToTheDatabase() throws Exception {
        page("alice");
        page("bob");
        cache.deleted(Region.UK, "01a23a91-8d49-722d-b0c1-9331862a5b98");
        page("alice");
        page("bob");
        assertThat(loads).hasValue(4);
    }

    @Test
    void aChangeDuringTheReadKeepsThePageOutOfTheCache() throws Exception {
        cache.page(Region.IN, "alice", null, null, 20, () -> {
            loads.incrementAndGet();
            cache.userChanged(Region.IN, "alice");
            return List.of();
        });
        page("alice");
        assertThat(loads).hasValue(2);
    }
}
