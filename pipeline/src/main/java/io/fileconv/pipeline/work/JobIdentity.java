package io.fileconv.pipeline.work;

import io.fileconv.core.Region;

/** A converter the work queue hands work to: a pooled Job in a cluster, an office process in the embedded stack. */
public record JobIdentity(String jobName, Region region) {
}
