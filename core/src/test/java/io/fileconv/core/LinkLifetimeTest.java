package io.fileconv.core;

import io.fileconv.core.work.PresignedLinks;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** SigV4 signs a link for 1 s to 7 days: both kinds of links refuse anything else when they are made. */
class LinkLifetimeTest {
    private static final ObjectStoreConfig STORE = new ObjectStoreConfig(URI.create("http://127.0.0.1:9"),
            "us-east-1", "access", "secret", true);

    @Test
    void theBoundsAreInclusive() {
        assertThat(ObjectStoreConfig.requireLinkLifetime(Duration.ofSeconds(1), "a link")).hasSeconds(1);
        assertThat(ObjectStoreConfig.requireLinkLifetime(Duration.ofDays(7), "a link")).hasDays(7);
    }

    @Test
    void zeroNegativeAndLongerThanSevenDaysAreRefusedWithTheLinksName() {
        for (Duration ttl : new Duration[] {Duration.ZERO, Duration.ofSeconds(-1), Duration.ofMillis(999),
                Duration.ofDays(7).plusSeconds(1)}) {
            assertThatThrownBy(() -> ObjectStoreConfig.requireLinkLifetime(ttl, "a download link"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("a download link lives between 1 s and 7 days (SigV4), got " + ttl);
        }
    }

    @Test
    void downloadLinksAndWorkLinksApplyTheBounds() {
        assertThatThrownBy(() -> new DownloadLinks(STORE, Duration.ofDays(8)))
                .hasMessageStartingWith("a download link lives between");
        try (PresignedLinks links = new PresignedLinks(STORE)) {
            assertThatThrownBy(() -> links.get("b", "k", Duration.ZERO))
                    .hasMessageStartingWith("a presigned URL lives between");
            assertThat(links.get("b", "k", Duration.ofDays(7)).getQuery()).contains("X-Amz-Expires=604800");
        }
    }
}
