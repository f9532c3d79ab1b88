package io.fileconv.local;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Change events sent to Kafka and not yet acknowledged, in binlog order. An event is marked processed (Debezium may
 * then store its offset) only once it and every event before it are acknowledged: acknowledgements of different
 * partitions arrive in any order, and an offset stored past an unacknowledged event would skip that event after a
 * crash. The sender waits only while {@code bound} events are in flight, so a backlog drains at Kafka's throughput
 * rather than at one round trip per event. After a failed send nothing more is marked and every later
 * {@link #add} fails, which stops the engine; the unmarked events are read from the binlog again at its restart.
 */
final class InFlightEvents {

    /** Marks one event processed (Debezium's committer, which Kafka Connect too calls from the producer's thread). */
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
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<Sent> queue = new ArrayDeque<>();
    private Exception failure;
    private boolean closed;

    InFlightEvents(int bound) {
        if (bound < 1) {
            throw new IllegalArgumentException("bound must be at least 1");
        }
        this.bound = bound;
    }

    /**
     * Records the next event in binlog order, waiting first while {@code bound} events are in flight. Call it before
     * the send, whose outcome goes to the returned callback.
     *
     * @throws IllegalStateException when an earlier send failed, or after {@link #close()}
     */
    Acknowledgement add(Mark mark) throws InterruptedException {
        lock.lock();
        try {
            while (queue.size() >= bound && failure == null && !closed) {
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
            } else {
                sent.acked = true;
                while (failure == null && !queue.isEmpty() && queue.peekFirst().acked) {
                    queue.pollFirst().mark.processed();
                }
            }
            changed.signalAll();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
    }

    /** Waits up to {@code wait} until every event in flight is acknowledged and marked; false if some are not. */
    boolean awaitDrained(Duration wait) throws InterruptedException {
        long left = wait.toNanos();
        lock.lock();
        try {
            while (!queue.isEmpty() && failure == null && left > 0) {
                left = changed.awaitNanos(left);
            }
            return queue.isEmpty();
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

    /**
     * Releases a sender waiting for room and refuses further events (the engine is stopping). Acknowledgements still
     * mark their events; what the engine no longer stores is sent again after a restart.
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
