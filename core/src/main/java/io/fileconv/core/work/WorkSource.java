package io.fileconv.core.work;

import java.time.Duration;
import java.util.Optional;

/**
 * Where a converter worker gets its work (the port of the "Job with a work queue" pattern). In a cluster the
 * operator is the queue and pods reach it over HTTP (converter-image's HttpWorkSource, protocol in
 * docs/ARCHITECTURE.md "Pooled converters"); the embedded stack implements it in-process.
 */
public interface WorkSource {
    /** Waits up to {@code wait} for work; empty when there is none (the worker may then exit when idle). */
    Optional<WorkItem> claim(Duration wait) throws Exception;

    /** Renews the lease; false when the lease is gone (cancelled, expired, re-assigned): stop working on it. */
    boolean heartbeat(String leaseId) throws Exception;

    /** Reports the result; a report for a lease that is gone is ignored by the source. */
    void report(String leaseId, WorkOutcome outcome) throws Exception;
}
