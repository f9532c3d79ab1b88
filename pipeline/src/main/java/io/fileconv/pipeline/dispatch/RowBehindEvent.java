package io.fileconv.pipeline.dispatch;

import io.fileconv.core.FileRecord;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * Reads the row a change event is about, waiting briefly while the row is not yet what the event says. MySQL and
 * MariaDB write a transaction to the binlog before the storage engine makes it visible (two-phase commit: prepare,
 * binlog, engine commit), so a CDC event can reach the dispatcher while a read still sees the row absent or at an
 * older attempt. Taking that for "deleted" or "already dispatched" left the file UPLOADED for good (seen once in
 * 7,080 uploads at 16-32 per second in bench/knee). A row still absent after the waits is deleted or moved.
 */
final class RowBehindEvent {
    /** About two seconds in all: the window is the engine commit after the binlog write, normally microseconds. */
    static final List<Duration> WAITS = List.of(Duration.ofMillis(5), Duration.ofMillis(20), Duration.ofMillis(50),
            Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofMillis(1000));

    interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    private RowBehindEvent() {
    }

    /** The row once it exists at {@code attempt} or later; empty if it never shows up within {@link #WAITS}. */
    static Optional<FileRecord> read(Callable<Optional<FileRecord>> read, int attempt, Sleeper sleeper)
            throws Exception {
        Optional<FileRecord> row = read.call();
        for (Duration wait : WAITS) {
            if (row.isPresent() && row.get().attempts() >= attempt) {
                return row;
            }
            sleeper.sleep(wait);
            row = read.call();
        }
        return row;
    }

    static Optional<FileRecord> read(Callable<Optional<FileRecord>> read, int attempt) throws Exception {
        return read(read, attempt, d -> Thread.sleep(d.toMillis()));
    }
}
