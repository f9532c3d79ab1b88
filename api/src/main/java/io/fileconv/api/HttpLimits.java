package io.fileconv.api;

import io.fileconv.core.Env;

import java.time.Duration;

/**
 * Limits on how slowly a client may talk to the API (docs/CONFIGURATION.md): a connection that has not finished
 * its first request's headers within {@code headerTimeout} is closed, any connection or blocked read idle for
 * {@code idleTimeout} is closed, and a request body arriving slower than {@code minRequestBytesPerSecond} on
 * average is refused (408). Each would otherwise let a few slow clients hold every server thread and buffer.
 */
public record HttpLimits(Duration idleTimeout, Duration headerTimeout, long minRequestBytesPerSecond) {

    public static HttpLimits defaults() {
        return new HttpLimits(Duration.ofSeconds(30), Duration.ofSeconds(10), 8192);
    }

    public static HttpLimits from(Env env) {
        HttpLimits d = defaults();
        HttpLimits l = new HttpLimits(
                Duration.ofSeconds(env.getLong("FILECONV_HTTP_IDLE_TIMEOUT_SECONDS", d.idleTimeout().toSeconds())),
                Duration.ofSeconds(env.getLong("FILECONV_HTTP_HEADER_TIMEOUT_SECONDS", d.headerTimeout().toSeconds())),
                env.getLong("FILECONV_HTTP_MIN_REQUEST_BYTES_PER_SECOND", d.minRequestBytesPerSecond()));
        if (l.idleTimeout().isNegative() || l.idleTimeout().isZero() || l.headerTimeout().isNegative()
                || l.headerTimeout().isZero() || l.minRequestBytesPerSecond() < 0) {
            throw new IllegalStateException("FILECONV_HTTP_IDLE_TIMEOUT_SECONDS and FILECONV_HTTP_HEADER_TIMEOUT_SECONDS"
                    + " must be above 0, FILECONV_HTTP_MIN_REQUEST_BYTES_PER_SECOND 0 (off) or more");
        }
        return l;
    }
}
