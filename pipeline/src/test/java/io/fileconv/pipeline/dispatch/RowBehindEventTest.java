package io.fileconv.pipeline.dispatch;

import io.fileconv.core.FileRecord;
import io.fileconv.core.FileStatus;
import io.fileconv.core.Region;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The binlog can run ahead of what a read sees: the dispatcher waits for the event's row before judging it. */
class RowBehindEventTest {
    private final List<Duration> slept = new ArrayList<>();

    private static FileRecord row(FileStatus status, int attempts) {
        return new FileRecord("f1", "alice", Region.IN, "a.docx", "application/msword", 1, "00", "in", "out", status,
                null, null, attempts, "req-1", Instant.EPOCH, Instant.EPOCH, null, null, null);
    }

    private Optional<FileRecord> readThrough(List<Optional<FileRecord>> answers, int attempt) throws Exception {
        Deque<Optional<FileRecord>> left = new ArrayDeque<>(answers);
        return RowBehindEvent.read(() -> left.size() > 1 ? left.poll() : left.peek(), attempt, slept::add);
    }

    @Test
    void aNewUploadNotYetVisibleIsReadAgainUntilItIs() throws Exception {
        Optional<FileRecord> row = readThrough(List.of(Optional.empty(), Optional.empty(),
                Optional.of(row(FileStatus.UPLOADED, 1))), 1);
        assertThat(row).hasValueSatisfying(r -> assertThat(r.status()).isEqualTo(FileStatus.UPLOADED));
        assertThat(slept).hasSize(2);
    }

    @Test
    void aRetryStillSeenAtItsFailedAttemptIsReadAgainUntilTheNewAttempt() throws Exception {
        Optional<FileRecord> row = readThrough(List.of(Optional.of(row(FileStatus.FAILED, 1)),
                Optional.of(row(FileStatus.UPLOADED, 2))), 2);
        assertThat(row).hasValueSatisfying(r -> assertThat(r.attempts()).isEqualTo(2));
        assertThat(slept).hasSize(1);
    }

    @Test
    void aRowAtTheEventsAttemptOrLaterIsTakenAtOnce() throws Exception {
        assertThat(readThrough(List.of(Optional.of(row(FileStatus.CONVERTED, 3))), 2)).isPresent();
        assertThat(slept).isEmpty();
    }

    @Test
    void aRowThatNeverShowsUpIsDeletedOrMovedAfterAboutTwoSeconds() throws Exception {
        assertThat(readThrough(List.of(Optional.empty()), 1)).isEmpty();
        assertThat(slept).isEqualTo(RowBehindEvent.WAITS);
        assertThat(slept.stream().mapToLong(Duration::toMillis).sum()).isBetween(1_500L, 3_000L);
    }
}
