package io.fileconv.operator.k8s.reconciler;

import io.fileconv.core.FailureClass;
import io.fileconv.core.FileRepository;
import io.fileconv.core.Region;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The sink picks the attempt's regional repository and calls the matching conditional transition. */
class FileRepositoryStatusSinkTest {

    /** Records calls instead of running SQL; the SQL itself is tested with core. */
    static class RecordingRepository extends FileRepository {
        final List<String> calls = new ArrayList<>();

        RecordingRepository(Region region) {
            super(region, null);
        }

        @Override
        public boolean claimForConversion(String id, int attempt) {
            calls.add("claim " + id + " " + attempt);
            return true;
        }

        @Override
        public boolean markConverted(String id, int attempt, long conversionMillis) {
            calls.add("converted " + id + " " + attempt + " " + conversionMillis);
            return true;
        }

        @Override
        public boolean markFailed(String id, int attempt, FailureClass failureClass, String reason) {
            calls.add("failed " + id + " " + attempt + " " + failureClass + " " + reason);
            return false;
        }
    }

    @Test
    void transitionsGoToTheAttemptsRegion() throws Exception {
        RecordingRepository us = new RecordingRepository(Region.US);
        RecordingRepository uk = new RecordingRepository(Region.UK);
        FileRepositoryStatusSink sink = new FileRepositoryStatusSink(Map.of(Region.US, us, Region.UK, uk));

        assertThat(sink.converting(new ConversionAttempt(Region.US, "f1", 2))).isTrue();
        assertThat(sink.converted(new ConversionAttempt(Region.US, "f1", 2), Duration.ofMillis(1500))).isTrue();
        assertThat(sink.failed(new ConversionAttempt(Region.UK, "f2", 1), FailureClass.TIMEOUT, "slow")).isFalse();

        assertThat(us.calls).containsExactly("claim f1 2", "converted f1 2 1500");
        assertThat(uk.calls).containsExactly("failed f2 1 TIMEOUT slow");
    }

    @Test
    void regionWithoutDatabaseIsAnError() {
        FileRepositoryStatusSink sink = new FileRepositoryStatusSink(Map.of(Region.US, new RecordingRepository(Region.US)));
        assertThatThrownBy(() -> sink.converting(new ConversionAttempt(Region.IN, "f", 1)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("region in");
    }
}
