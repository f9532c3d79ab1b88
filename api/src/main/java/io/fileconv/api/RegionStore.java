package io.fileconv.api;

import io.fileconv.core.FileRepository;
import io.fileconv.core.Region;

/** A region this API instance serves: its files table and its bucket. */
public record RegionStore(Region region, FileRepository files, String bucket) {
}
