package io.fileconv.local;

import io.fileconv.core.Region;
import io.fileconv.core.work.WorkItem;
import io.fileconv.core.work.WorkOutcome;
import io.fileconv.core.work.WorkSource;
import io.fileconv.pipeline.work.JobIdentity;
import io.fileconv.pipeline.work.PooledWork;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The work endpoint without HTTP: one in-process {@link io.fileconv.converter.ConversionWorker} of the embedded
 * stack talks to the same {@link PooledWork} that converter pods reach over the network, so leases, heartbeats and
 * the recording of outcomes are one piece of code for both hosts. Where a pod serves one region, an embedded
 * worker serves every region of the stack (regions take turns). Every accepted outcome is appended to the
 * {@link ConversionLog} before it is recorded. Once closed, claims return nothing (the worker ends) and an outcome
 * that cannot be recorded is dropped: its row stays in flight and the next start queues it again.
 */
final class InProcessWorkSource implements WorkSource {
    private static final Logger LOG = LoggerFactory.getLogger(InProcessWorkSource.class);
    /** Longest single wait, so a closing stack's idle workers end promptly. */
    private static final Duration SLICE = Duration.ofMillis(250);

    private final PooledWork work;
    private final List<JobIdentity> identities;
    private final String workerName;
    private final ConversionLog log;
    /** Which lease came from which region's identity (heartbeats and reports must name the same one). */
    private final Map<String, JobIdentity> leases = new ConcurrentHashMap<>();
    /** Leases whose outcome is in the log already: a report retried while MySQL is away is logged once. */
    private final Set<String> logged = ConcurrentHashMap.newKeySet();
    private int nextRegion;
    private volatile boolean closed;

    InProcessWorkSource(PooledWork work, List<Region> regions, String workerName, ConversionLog log) {
        this.work = work;
        this.identities = regions.stream().map(r -> new JobIdentity("embedded-" + r.code(), r)).toList();
        this.workerName = workerName;
        this.log = log;
    }

    @Override
    public Optional<WorkItem> claim(Duration wait) throws Exception {
        long deadline = System.nanoTime() + wait.toNanos();
        while (!closed) {
            long seen = work.queue().offers();
            for (int i = 0; i < identities.size(); i++) {
                JobIdentity id = identities.get(nextRegion);
                nextRegion = (nextRegion + 1) % identities.size();
                Optional<WorkItem> item = work.claim(id, workerName, Duration.ZERO);
                if (item.isPresent()) {
                    leases.put(item.get().leaseId(), id);
                    return item;
                }
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            work.queue().awaitOffer(seen, Duration.ofNanos(Math.min(left, SLICE.toNanos())));
        }
        return Optional.empty();
    }

    @Override
    public boolean heartbeat(String leaseId) {
        JobIdentity id = leases.get(leaseId);
        return id != null && work.heartbeat(id, leaseId);
    }

    @Override
    public void report(String leaseId, WorkOutcome outcome) throws Exception {
        JobIdentity id = leases.get(leaseId);
        if (id == null) {
            return;
        }
        try {
            if (!work.report(id, leaseId, outcome, (fileId, attempt, o) -> {
                if (logged.add(leaseId)) {
                    log.append(fileId, attempt, o.converted() ? "CONVERTED" : "FAILED:" + o.failureClass());
                }
            })) {
                LOG.info("outcome of lease {} dropped: the lease is gone (cancelled or expired)", leaseId);
            }
        } catch (Exception e) {
            if (!closed) {
                throw e;
            }
            LOG.warn("outcome not stored before stopping; the file is converted again at the next start: {}",
                    e.toString());
        }
        leases.remove(leaseId);
        logged.remove(leaseId);
    }

    /** No more claims; a document in hand is still finished and reported. */
    void close() {
        closed = true;
    }
}
