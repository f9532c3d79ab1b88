package io.fileconv.pipeline.dispatch;

import io.fileconv.core.ConsumerOffsetStore;
import io.fileconv.core.Env;
import io.fileconv.core.FileRepository;
import io.fileconv.core.Region;

import java.util.List;
import java.util.Map;

/** What the dispatcher needs per region: its files table, its offsets table (same database) and its bucket. */
public record RegionContext(Region region, FileRepository files, ConsumerOffsetStore offsets, String bucket) {

    /** One context per served region; the offsets table is in the same database as the files table. */
    public static List<RegionContext> forRegions(Env env, Map<Region, FileRepository> repositories) {
        return repositories.entrySet().stream()
                .map(e -> new RegionContext(e.getKey(), e.getValue(),
                        new ConsumerOffsetStore(e.getValue().dataSource()), env.bucket(e.getKey())))
                .toList();
    }
}
