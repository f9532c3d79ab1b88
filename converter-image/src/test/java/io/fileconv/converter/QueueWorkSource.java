package io.fileconv.converter;

import io.fileconv.core.work.WorkItem;
import io.fileconv.core.work.WorkOutcome;
import io.fileconv.core.work.WorkSource;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * The work port in-process, backed by a queue (what the embedded stack will host): items the test offers, the
 * outcomes the worker reports, and a rule saying when a lease is gone.
 */
final class QueueWorkSource implements WorkSource {
    final BlockingQueue<WorkItem> queue = new LinkedBlockingQueue<>();
    final Map<String, WorkOutcome> outcomes = new ConcurrentHashMap<>();
    final Map<String, AtomicInteger> heartbeats = new ConcurrentHashMap<>();
    final AtomicInteger claims = new AtomicInteger();
    private volatile Predicate<String> gone = lease -> false;

    /** From now on a heartbeat of a lease matching {@code rule} answers "gone". */
    void leaseGoneWhen(Predicate<String> rule) {
        gone = rule;
    }

    @Override
    public Optional<WorkItem> claim(Duration wait) throws InterruptedException {
        claims.incrementAndGet();
        return Optional.ofNullable(queue.poll(wait.toMillis(), TimeUnit.MILLISECONDS));
    }

    @Override
    public boolean heartbeat(String leaseId) {
        heartbeats.computeIfAbsent(leaseId, k -> new AtomicInteger()).incrementAndGet();
        return !gone.test(leaseId);
    }

    @Override
    public void report(String leaseId, WorkOutcome outcome) {
        outcomes.put(leaseId, outcome);
    }
}
