package io.fileconv.pipeline;

import org.slf4j.Logger;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * One pass of a leader task at a fixed delay on its own daemon thread. A pass that throws is logged and the next
 * one runs as planned; {@link #close} waits for a pass in flight, which still uses what its owner closes next.
 */
public final class PeriodicPass implements AutoCloseable {
    private final ScheduledExecutorService timer;

    /**
     * @param what  the pass, for the log line of a failed pass (e.g. "sweep")
     * @param first delay before the first pass
     */
    public PeriodicPass(String threadName, String what, Duration first, Duration every, Runnable pass, Logger log) {
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(() -> {
            try {
                pass.run();
            } catch (RuntimeException e) {
                log.warn("{} failed (next pass in {} s): {}", what, every.toSeconds(), e.toString());
            }
        }, first.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
