package io.fileconv.pipeline.work;

import java.time.Instant;

/** A file handed to a converter pod; only the Job it was handed to may renew or report it. */
public record Lease(String id, WorkRequest request, String jobName, String podName, Instant started,
                    Instant expiry) {

    Lease renewedUntil(Instant newExpiry) {
        return new Lease(id, request, jobName, podName, started, newExpiry);
    }
}
