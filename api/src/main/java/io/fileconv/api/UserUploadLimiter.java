package io.fileconv.api;

import io.fileconv.core.metrics.MetricNames;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keeps one user from filling the queue for everyone: at most {@code uploadsPerMinute} upload requests a minute
 * (a Bucket4j token bucket per user, refilled continuously, in this replica's memory: with N replicas behind a
 * load balancer a user gets up to N times the rate) and at most {@code maxInFlight} files not yet terminal (counted
 * in the region's MySQL, so it holds across replicas; concurrent requests of one user can pass the check together,
 * so it may be exceeded by the number of that user's simultaneous uploads). A refusal is 429 with Retry-After.
 */
public final class UserUploadLimiter {
    /** Retry-After for the in-flight limit: room appears when a conversion ends, typically within seconds. */
    static final int IN_FLIGHT_RETRY_AFTER_SECONDS = 15;
    /** Buckets back at full capacity are dropped beyond this many users (a new bucket is the same). */
    private static final int TRIM_ABOVE = 10_000;

    /** Counts a user's files not yet terminal. */
    @FunctionalInterface
    public interface InFlight {
        int count(Caller caller) throws SQLException;
    }

    private final UploadLimits limits;
    private final InFlight inFlight;
    private final TimeMeter clock;
    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();
    private final Counter admitted;
    private final Counter rateLimited;
    private final Counter inFlightLimited;

    public UserUploadLimiter(UploadLimits limits, InFlight inFlight, MeterRegistry registry) {
        this(limits, inFlight, registry, TimeMeter.SYSTEM_NANOTIME);
    }

    UserUploadLimiter(UploadLimits limits, InFlight inFlight, MeterRegistry registry, TimeMeter clock) {
        this.limits = limits;
        this.inFlight = inFlight;
        this.clock = clock;
        MetricNames.Meter m = MetricNames.UPLOAD_ADMISSIONS;
        this.admitted = Counter.builder(m.name()).description(m.description()).tag("outcome", "admitted").register(registry);
        this.rateLimited = Counter.builder(m.name()).description(m.description()).tag("outcome", "rate_limited")
                .register(registry);
        this.inFlightLimited = Counter.builder(m.name()).description(m.description()).tag("outcome", "in_flight_limited")
                .register(registry);
    }

    /** In-flight files counted in the caller's home region's MySQL (FileRepository), up to the limit. */
    public static UserUploadLimiter inMySql(UploadLimits limits, MeterRegistry registry) {
        return new UserUploadLimiter(limits, caller -> caller.home().files().countInFlight(caller.userId(),
                Math.max(1, limits.maxInFlight())), registry);
    }

    /** Admits an upload of {@code caller} or throws a 429 {@link Problem}. */
    public void admit(Caller caller) throws SQLException {
        if (limits.uploadsPerMinute() > 0) {
            ConsumptionProbe probe = bucket(caller.userId()).tryConsumeAndReturnRemaining(1);
            if (!probe.isConsumed()) {
                rateLimited.increment();
                long seconds = Math.max(1, (probe.getNanosToWaitForRefill() + 999_999_999L) / 1_000_000_000L);
                throw tooMany("upload-rate-limited", "you started more than " + limits.uploadsPerMinute()
                        + " uploads in the last minute", (int) seconds).with("limit", limits.uploadsPerMinute());
            }
        }
        if (limits.maxInFlight() > 0 && inFlight.count(caller) >= limits.maxInFlight()) {
            inFlightLimited.increment();
            throw tooMany("too-many-in-flight", "you already have " + limits.maxInFlight()
                    + " files waiting or converting; upload more when some have finished", IN_FLIGHT_RETRY_AFTER_SECONDS)
                    .with("limit", limits.maxInFlight());
        }
        admitted.increment();
    }

    private Bucket bucket(String userId) {
        if (buckets.size() > TRIM_ABOVE) {
            buckets.values().removeIf(b -> b.getAvailableTokens() >= limits.uploadsPerMinute());
        }
        return buckets.computeIfAbsent(userId, u -> Bucket.builder()
                .addLimit(l -> l.capacity(limits.uploadsPerMinute())
                        .refillGreedy(limits.uploadsPerMinute(), Duration.ofMinutes(1)))
                .withCustomTimePrecision(clock).build());
    }

    private static Problem tooMany(String slug, String detail, int retryAfterSeconds) {
        return new Problem(429, slug, "Too many uploads", detail).with("retryAfterSeconds", retryAfterSeconds);
    }
}
