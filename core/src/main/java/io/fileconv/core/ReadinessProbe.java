package io.fileconv.core;

/** What /readyz reports: null when ready, otherwise one line saying why not ("schema fileconv_in at version 1, needs 2"). */
@FunctionalInterface
public interface ReadinessProbe {
    String notReadyReason();

    /** Ready when both are; the first reason otherwise. */
    default ReadinessProbe and(ReadinessProbe other) {
        return () -> {
            String r = notReadyReason();
            return r != null ? r : other.notReadyReason();
        };
    }
}
