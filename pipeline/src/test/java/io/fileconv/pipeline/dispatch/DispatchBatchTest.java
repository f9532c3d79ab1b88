package io.fileconv.pipeline.dispatch;

import io.fileconv.core.ConversionLauncher;
import io.fileconv.core.ConversionRequest;
import io.fileconv.core.Region;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** How one poll's records become effects: launches side by side, each partition applied up to its first failure. */
class DispatchBatchTest {
    private static final TopicPartition P0 = new TopicPartition(Region.IN.filesTopic(), 0);
    private static final TopicPartition P1 = new TopicPartition(Region.IN.filesTopic(), 1);

    private final ExecutorService executor = Executors.newFixedThreadPool(4);

    @AfterEach
    void stop() {
        executor.shutdownNow();
    }

    @Test
    void launchesOfOneBatchRunSideBySide() throws Exception {
        // Each launch waits until all four have started: one at a time, the first would never return.
        CountDownLatch allStarted = new CountDownLatch(4);
        Recording launcher = new Recording() {
            @Override
            public void launch(ConversionRequest request) throws Exception {
                allStarted.countDown();
                if (!allStarted.await(30, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("launches ran one after another");
                }
                super.launch(request);
            }
        };
        DispatchBatch batch = new DispatchBatch();
        for (int i = 0; i < 4; i++) {
            batch.add(i < 2 ? P0 : P1, launch(10 + i, request("f" + i), launcher, executor));
        }

        DispatchBatch.Applied p0 = batch.apply(P0, launcher, failureLog());
        DispatchBatch.Applied p1 = batch.apply(P1, launcher, failureLog());

        assertThat(p0.launched()).extracting(ConversionRequest::fileId).containsExactly("f0", "f1");
        assertThat(p0.next()).isEqualTo(12);
        assertThat(p0.complete()).isTrue();
        assertThat(p1.launched()).extracting(ConversionRequest::fileId).containsExactly("f2", "f3");
        assertThat(p1.next()).isEqualTo(14);
        assertThat(launcher.launched).containsExactlyInAnyOrder("f0", "f1", "f2", "f3");
    }

    @Test
    void aPartitionStopsAtItsFirstFailedLaunchAndOthersGoOn() throws Exception {
        Recording launcher = new Recording() {
            @Override
            public void launch(ConversionRequest request) throws Exception {
                if (request.fileId().equals("bad")) {
                    throw new SQLException("API server away");
                }
                super.launch(request);
            }
        };
        DispatchBatch batch = new DispatchBatch();
        batch.add(P0, new DispatchBatch.Skip(5));
        batch.add(P0, launch(6, request("good"), launcher, executor));
        batch.add(P0, launch(7, request("bad"), launcher, executor));
        batch.add(P0, launch(8, request("after"), launcher, executor));
        batch.add(P0, new DispatchBatch.Cancel(9, request("cancelled")));
        batch.add(P1, launch(3, request("other"), launcher, executor));
        List<Long> failed = new ArrayList<>();

        DispatchBatch.Applied p0 = batch.apply(P0, launcher, (tp, offset, cause) -> failed.add(offset));
        DispatchBatch.Applied p1 = batch.apply(P1, launcher, failureLog());

        assertThat(p0.launched()).extracting(ConversionRequest::fileId)
                .as("only the prefix before the failure is committed").containsExactly("good");
        assertThat(p0.next()).as("the failed record is redelivered").isEqualTo(7);
        assertThat(p0.complete()).isFalse();
        assertThat(p0.effects()).isEqualTo(1);
        assertThat(failed).containsExactly(7L);
        assertThat(launcher.cancelled).as("a cancellation after a failure waits for its redelivery").isEmpty();
        assertThat(p1.launched()).extracting(ConversionRequest::fileId).containsExactly("other");
        assertThat(p1.next()).isEqualTo(4);
    }

    @Test
    void cancellationsRunAfterTheLaunchesBeforeThemAndPlanningStopsArePartitionStops() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Recording launcher = new Recording() {
            @Override
            public void launch(ConversionRequest request) throws Exception {
                release.await(30, TimeUnit.SECONDS);
                super.launch(request);
            }

            @Override
            public void cancel(Region region, String fileId, int attempt) {
                assertThat(launched).as("the launch of offset 1 happened first").contains("first");
                super.cancel(region, fileId, attempt);
            }
        };
        DispatchBatch batch = new DispatchBatch();
        batch.add(P0, launch(1, request("first"), launcher, executor));
        batch.add(P0, new DispatchBatch.Cancel(2, request("x")));
        batch.stopPlanning(P0, 3);
        batch.stopPlanning(P1, 40);
        release.countDown();

        DispatchBatch.Applied p0 = batch.apply(P0, launcher, failureLog());
        DispatchBatch.Applied p1 = batch.apply(P1, launcher, failureLog());

        assertThat(launcher.cancelled).containsExactly("x");
        assertThat(p0.effects()).isEqualTo(2);
        assertThat(p0.next()).as("planning stopped at 3: it is read again").isEqualTo(3);
        assertThat(p0.complete()).isFalse();
        assertThat(batch.partitions()).containsExactlyInAnyOrder(P0, P1);
        assertThat(p1.launched()).isEmpty();
        assertThat(p1.next()).isEqualTo(40);
        assertThat(p1.complete()).isFalse();
    }

    @Test
    void anAttemptWhoseRowSaysNothingToLaunchMovesTheOffsetOnly() throws Exception {
        DispatchBatch batch = new DispatchBatch();
        batch.add(P0, DispatchBatch.launch(20, () -> null, executor));
        batch.add(P0, launch(21, request("next"), new Recording(), executor));

        DispatchBatch.Applied p0 = batch.apply(P0, new Recording(), failureLog());

        assertThat(p0.launched()).extracting(ConversionRequest::fileId).containsExactly("next");
        assertThat(p0.effects()).isEqualTo(1);
        assertThat(p0.next()).isEqualTo(22);
        assertThat(p0.complete()).isTrue();
    }

    /** A new attempt whose row is UPLOADED: it is launched as it is. */
    private static DispatchBatch.Launch launch(long offset, ConversionRequest request, ConversionLauncher launcher,
                                               ExecutorService executor) {
        return DispatchBatch.launch(offset, () -> {
            launcher.launch(request);
            return request;
        }, executor);
    }

    private static DispatchBatch.FailureLog failureLog() {
        return (tp, offset, cause) -> {
            throw new AssertionError("unexpected failure at " + tp + "@" + offset, cause);
        };
    }

    private static ConversionRequest request(String fileId) {
        return new ConversionRequest(fileId, "u1", Region.IN, "bucket", "in", "out", 1, "text/plain", "r");
    }

    /** Records launches and cancellations. */
    private static class Recording implements ConversionLauncher {
        final Set<String> launched = Collections.synchronizedSet(new LinkedHashSet<>());
        final List<String> cancelled = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void launch(ConversionRequest request) throws Exception {
            launched.add(request.fileId());
        }

        @Override
        public void cancel(Region region, String fileId, int attempt) {
            cancelled.add(fileId);
        }
    }
}
