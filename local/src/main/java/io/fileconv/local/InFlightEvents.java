package io.fileconv.local;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Change events sent to Kafka and not yet acknowledged, in binlog order. An event is marked processed (Debezium may
 * then store its offset) only once it and every event before it are acknowledged: acknowledgements of different
 * partitions arrive in any order, and an offset stored past an unacknowledged event would skip that event after a
 * crash. The sender waits only while {@code bound} events are in flight, so a backlog drains at Kafka's throughput
 * rather than at one round trip per event. After a failed send nothing more is marked and every later
 * {@link #add} fails, which stops the engine; the unmarked events are read from the binlog again when the stack
 * next starts.
 *
 * <p>The marks run on {@code marker}, in order, never on the thread that reports an acknowledgement: that is
 * Kafka's producer thread, shared by every region's engine, and Debezium's committer may wait for its task's state
 * lock (held for seconds while the task restarts after a database outage).
 */
final class InFlightEvents {
    private static final Logger LOG = LoggerFactory.getLogger(InFlightEvents.class);

    /** Marks one event processed (Debezium's committer). */
    @FunctionalInterface
    interface Mark {
        void processed() throws InterruptedException;
    }

    /** The outcome of one send: null when Kafka acknowledged it. */
    @FunctionalInterface
    interface Acknowledgement {
        void completed(Exception error);
    }

    private static final class Sent {
        final Mark mark;
        boolean acked;

        Sent(Mark mark) {
            this.mark = mark;
        }
    }

    private final int bound;
    private final Executor marker;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<Sent> queue = new ArrayDeque<>();
    /** Acknowledged events handed to the marker and not yet marked. */
    private int marking;
    private Exception failure;
    private boolean paused;
    private boolean closed;

    /** @param marker runs the marks one at a time, in the order given (a single thread) */
    InFlightEvents(int bound, Executor marker) {
        if (bound < 1) {
            throw new IllegalArgumentException("bound must be at least 1");
        }
        this.bound = bound;
        this.marker = marker;
    }

    /**
     * Records the next event in binlog order, waiting first while {@code bound} events are in flight or the stream
     * is pausing (the engine's own stop then interrupts the wait). Call it before the send, whose outcome goes to the
     * returned callback.
     *
     * @throws IllegalStateException when an earlier send failed, or after {@link #close()}
     */
    Acknowledgement add(Mark mark) throws InterruptedException {
        lock.lock();
        try {
            while ((queue.size() >= bound || paused) && failure == null && !closed) {
                changed.await();
            }
            if (failure != null) {
                throw new IllegalStateException("Kafka refused a change event", failure);
            }
            if (closed) {
                throw new IllegalStateException("the change stream is stopping");
            }
            Sent sent = new Sent(mark);
            queue.addLast(sent);
            return error -> acknowledged(sent, error);
        } finally {
            lock.unlock();
        }
    }

    private void acknowledged(Sent sent, Exception error) {
        lock.lock();
        try {
            if (error != null) {
                failure = failure == null ? error : failure;
                return;
            }
            sent.acked = true;
            while (failure == null && !queue.isEmpty() && queue.peekFirst().acked) {
                Mark next = queue.pollFirst().mark;
                marking++;
                try {
                    // Handed over under the lock, so that marks reach the marker in binlog order.
                    marker.execute(() -> mark(next));
                } catch (RejectedExecutionException e) {
                    marking--; // the stream has stopped: the event is sent again after the restart
                    LOG.debug("change event acknowledged after the stream stopped; not marked");
                }
            }
        } finally {
            changed.signalAll();
            lock.unlock();
        }
    }

    private void mark(Mark mark) {
        try {
            mark.processed();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            // The event is in Kafka; a later mark stores a later offset anyway.
            LOG.warn("a change event sent to Kafka could not be marked processed: {}", e.toString());
        } finally {
            lock.lock();
            try {
                marking--;
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    /** Waits up to {@code wait} until every event in flight is acknowledged and marked; false if some are not. */
    boolean awaitDrained(Duration wait) throws InterruptedException {
        long left = wait.toNanos();
        lock.lock();
        try {
            while ((!queue.isEmpty() || marking > 0) && failure == null && left > 0) {
                left = changed.awaitNanos(left);
            }
            return queue.isEmpty() && marking == 0;
        } finally {
            lock.unlock();
        }
    }

    int size() {
        lock.lock();
        try {
            return queue.size();
        } finally {
            lock.unlock();
        }
    }

    /** New events wait (the engine is about to stop) so that the ones in flight can drain. */
    void pause() {
        lock.lock();
        try {
            paused = true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Releases a sender still waiting and refuses further events. Acknowledgements still mark their events; what
     * the engine no longer stores is sent again after a restart.
     */
    void close() {
        lock.lock();
        try {
            closed = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
