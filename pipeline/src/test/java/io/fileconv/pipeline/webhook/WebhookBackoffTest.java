package io.fileconv.pipeline.webhook;

import io.fileconv.core.Env;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WebhookBackoffTest {
    @Test
    void doublesFromTheBaseUpToTheCap() {
        WebhookDeliverer.Settings s = WebhookDeliverer.Settings.from(new Env(Map.of()));
        assertThat(s.backoff(1)).isEqualTo(Duration.ofSeconds(30));
        assertThat(s.backoff(2)).isEqualTo(Duration.ofSeconds(60));
        assertThat(s.backoff(5)).isEqualTo(Duration.ofSeconds(480));
        assertThat(s.backoff(8)).isEqualTo(Duration.ofHours(1));
        assertThat(s.backoff(500)).isEqualTo(Duration.ofHours(1));
        assertThat(s.maxAttempts()).isEqualTo(12);
    }

    @Test
    void refusesSettingsThatWouldStopTheTimerOrNeverTry() {
        assertThatThrownBy(() -> WebhookDeliverer.Settings.from(new Env(Map.of("FILECONV_WEBHOOK_INTERVAL_SECONDS",
                "0")))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> WebhookDeliverer.Settings.from(new Env(Map.of("FILECONV_WEBHOOK_MAX_ATTEMPTS", "0"))))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
