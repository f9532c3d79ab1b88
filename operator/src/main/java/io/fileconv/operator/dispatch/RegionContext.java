package io.fileconv.operator.dispatch;

import io.fileconv.core.ConsumerOffsetStore;
import io.fileconv.core.FileRepository;
import io.fileconv.core.Region;

/** What the dispatcher needs per region: its files table, its offsets table (same database) and its bucket. */
public record RegionContext(Region region, FileRepository files, ConsumerOffsetStore offsets, String bucket) {
}
