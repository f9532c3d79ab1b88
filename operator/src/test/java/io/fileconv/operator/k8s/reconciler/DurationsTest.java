package io.fileconv.operator.k8s.reconciler;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class DurationsTest {
    @Test
    void printsLikeKubectl() {
        assertThat(Durations.humanize(Duration.ofMillis(850))).isEqualTo("850ms");
        assertThat(Durations.humanize(Duration.ofSeconds(4))).isEqualTo("4s");
        assertThat(Durations.humanize(Duration.ofSeconds(72))).isEqualTo("1m12s");
        assertThat(Durations.humanize(Duration.ofMinutes(123))).isEqualTo("2h3m");
        assertThat(Durations.humanize(Duration.ofSeconds(-3))).isEqualTo("0ms");
    }
}
