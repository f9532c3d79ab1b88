package io.fileconv.operator.k8s.reconciler;

import java.time.Duration;

/** Run times the way kubectl prints ages: {@code 850ms}, {@code 4s}, {@code 1m12s}, {@code 2h3m}. */
final class Durations {
    private Durations() {
    }

    static String humanize(Duration d) {
        if (d.isNegative()) {
            d = Duration.ZERO;
        }
        long seconds = d.toSeconds();
        if (seconds < 1) {
            return d.toMillis() + "ms";
        }
        if (seconds < 60) {
            return seconds + "s";
        }
        if (seconds < 3600) {
            return (seconds / 60) + "m" + (seconds % 60) + "s";
        }
        return (seconds / 3600) + "h" + ((seconds % 3600) / 60) + "m";
    }
}
