package io.fileconv.pipeline.status;

import io.fileconv.core.FailureClass;
import io.fileconv.core.FileRecord;
import io.fileconv.core.FileRepository;
import io.fileconv.core.FileStatus;
import io.fileconv.core.Region;
import io.fileconv.core.metrics.FileconvMetrics;
import io.fileconv.core.metrics.PipelineMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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
    void metricsAreRecordedOnlyForTransitionsThatApplied() throws Exception {
        Instant created = Instant.now().minusSeconds(30);
        RecordingRepository us = new RecordingRepository(Region.US) {
            @Override
            public Optional<FileRecord> find(String id) {
                return Optional.of(new FileRecord(id, "u", Region.US, "a.docx",
                        "application/vnd.openxmlformats-officedocument.wordprocessingml.document", 1, "s", "i", "o",
                        FileStatus.CONVERTED, null, null, 2, "r", created, created, created,
                        created.plusSeconds(5), created.plusSeconds(9)));
            }
        };
        RecordingRepository uk = new RecordingRepository(Region.UK);
        PrometheusMeterRegistry registry =
                FileconvMetrics.create("t");
        FileRepositoryStatusSink sink = new FileRepositoryStatusSink(Map.of(Region.US, us, Region.UK, uk),
                new PipelineMetrics(registry));

        sink.converting(new ConversionAttempt(Region.US, "f1", 2));
        sink.converted(new ConversionAttempt(Region.US, "f1", 2), Duration.ofMillis(1500));
        sink.failed(new ConversionAttempt(Region.UK, "f2", 1), FailureClass.TIMEOUT, "slow"); // not applied

        String text = registry.scrape();
        assertThat(text).contains("fileconv_conversions_total{app=\"t\",outcome=\"converted\"} 1.0",
                "fileconv_conversion_seconds_sum{app=\"t\",outcome=\"converted\",type=\"docx\"} 1.5",
                "fileconv_pipeline_latency_seconds_count{app=\"t\",outcome=\"converted\",region=\"us\"} 1",
                "fileconv_pipeline_start_latency_seconds_count{app=\"t\",region=\"us\"} 1");
        assertThat(text).doesNotContain("outcome=\"timeout\"");
    }

    @Test
    void regionWithoutDatabaseIsAnError() {
        FileRepositoryStatusSink sink = new FileRepositoryStatusSink(Map.of(Region.US, new RecordingRepository(Region.US)));
        assertThatThrownBy(() -> sink.converting(new ConversionAttempt(Region.IN, "f", 1)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("region in");
    }
}
