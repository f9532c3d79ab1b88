package io.fileconv.pipeline.work;

import io.fileconv.core.FileRecord;
import io.fileconv.core.FileRepository;
import io.fileconv.core.Region;

import java.util.Map;
import java.util.Optional;

/** Reads a file's row: its size (the queue's cost), owner and current status. */
@FunctionalInterface
public interface FileLookup {
    Optional<FileRecord> find(Region region, String fileId) throws Exception;

    static FileLookup of(Map<Region, FileRepository> repositories) {
        return (region, fileId) -> {
            FileRepository files = repositories.get(region);
            if (files == null) {
                throw new IllegalStateException("no database configured for region " + region.code());
            }
            return files.find(fileId);
        };
    }
}
