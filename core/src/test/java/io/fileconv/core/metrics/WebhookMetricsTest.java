package io.fileconv.core.metrics;

import io.fileconv.core.Region;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class WebhookMetricsTest {
    @Test
    void outcomesStartAtZeroAndTheBacklogGaugesFollowThePass() {
        PrometheusMeterRegistry registry = FileconvMetrics.create("test");
        WebhookMetrics metrics = new WebhookMetrics(registry).withRegions(List.of(Region.UK));
        assertThat(registry.scrape())
                .contains("fileconv_webhook_deliveries_total{app=\"test\",outcome=\"failed\",region=\"uk\"} 0.0");
        Instant now = Instant.parse("2026-01-01T00:10:00Z");
        metrics.tried(Region.UK, "retry");
        metrics.backlog(Region.UK, 3, now.minusSeconds(90), now);
        String scrape = registry.scrape();
        assertThat(scrape).contains("fileconv_webhook_deliveries_total{app=\"test\",outcome=\"retry\",region=\"uk\"} 1.0")
                .contains("fileconv_webhook_pending{app=\"test\",region=\"uk\"} 3.0")
                .contains("fileconv_webhook_oldest_pending_seconds{app=\"test\",region=\"uk\"} 90.0");
        metrics.backlog(Region.UK, 0, null, now);
        assertThat(registry.scrape()).contains("fileconv_webhook_oldest_pending_seconds{app=\"test\",region=\"uk\"} 0.0");
    }
}
