package io.fileconv.api;

import io.fileconv.core.metrics.FileconvMetrics;
import io.github.bucket4j.TimeMeter;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The limiter's decisions on a clock the test moves (no sleeping): rate, refill, in-flight, metrics. */
class UserUploadLimiterTest {
    static final class ManualClock implements TimeMeter {
        final AtomicLong nanos = new AtomicLong();

        @Override
        public long currentTimeNanos() {
            return nanos.get();
        }

        @Override
        public boolean isWallClockBased() {
            return false;
        }

        void advance(Duration d) {
            nanos.addAndGet(d.toNanos());
        }
    }

    static Caller caller(String user) {
        return new Caller(user, null);
    }

    @Test
    void theRateLimitRefusesTheExtraUploadWithRetryAfterUntilItRefills() throws Exception {
        ManualClock clock = new ManualClock();
        PrometheusMeterRegistry registry = FileconvMetrics.create("test");
        UserUploadLimiter limiter = new UserUploadLimiter(new UploadLimits(3, 0, 1), c -> 0, registry, clock);
        for (int i = 0; i < 3; i++) {
            limiter.admit(caller("alice"));
        }
        assertThatThrownBy(() -> limiter.admit(caller("alice"))).isInstanceOfSatisfying(Problem.class, p -> {
            assertThat(p.status()).isEqualTo(429);
            assertThat(p.slug()).isEqualTo("upload-rate-limited");
            // one token comes back every 20 s at 3 a minute
            assertThat(p.retryAfterSeconds()).hasValue(20);
        });
        limiter.admit(caller("bob")); // another user has their own budget
        clock.advance(Duration.ofSeconds(20));
        limiter.admit(caller("alice"));
        String scrape = FileconvMetrics.scrape(registry);
        assertThat(scrape).contains("fileconv_upload_admissions_total{app=\"test\",outcome=\"admitted\"} 5.0")
                .contains("fileconv_upload_admissions_total{app=\"test\",outcome=\"rate_limited\"} 1.0");
    }

    @Test
    void theInFlightLimitComesFromTheCountAndFreesWhenFilesFinish() throws Exception {
        AtomicInteger open = new AtomicInteger(2);
        PrometheusMeterRegistry registry = FileconvMetrics.create("test");
        UserUploadLimiter limiter = new UserUploadLimiter(new UploadLimits(0, 2, 1), c -> open.get(), registry,
                new ManualClock());
        assertThatThrownBy(() -> limiter.admit(caller("alice"))).isInstanceOfSatisfying(Problem.class, p -> {
            assertThat(p.status()).isEqualTo(429);
            assertThat(p.slug()).isEqualTo("too-many-in-flight");
            assertThat(p.retryAfterSeconds()).hasValue(UserUploadLimiter.IN_FLIGHT_RETRY_AFTER_SECONDS);
            assertThat(p.body(null)).containsEntry("limit", 2);
        });
        open.set(1);
        limiter.admit(caller("alice"));
        assertThat(FileconvMetrics.scrape(registry))
                .contains("fileconv_upload_admissions_total{app=\"test\",outcome=\"in_flight_limited\"} 1.0");
    }

    @Test
    void zeroTurnsALimitOff() throws Exception {
        UserUploadLimiter limiter = new UserUploadLimiter(UploadLimits.unlimited(), c -> {
            throw new AssertionError("no count needed when the in-flight limit is off");
        }, FileconvMetrics.none(), new ManualClock());
        for (int i = 0; i < 1000; i++) {
            limiter.admit(caller("alice"));
        }
    }
}
