package io.fileconv.operator.k8s.reconciler;

import com.zaxxer.hikari.HikariDataSource;
import io.fileconv.core.Databases;
import io.fileconv.core.FileRepository;
import io.fileconv.core.Region;
import io.fileconv.core.migration.MigrationTarget;
import io.fileconv.core.migration.RegionMove;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The ends a RegionMigration can have: the regions this operator serves, and regions of other cells for which a
 * {@link MigrationTarget} is given while a move runs (MigrationTargetSecrets). A target's pool is kept while its
 * settings stay the same and replaced when they change. A move out of a region this operator does not serve is
 * refused: only the cell that holds the user's data moves it.
 */
public final class MoveSides implements AutoCloseable {
    private record Target(MigrationTarget settings, HikariDataSource pool, FileRepository files) {
    }

    private final Map<Region, FileRepository> served;
    private final Function<Region, String> bucketOf;
    private final Function<Region, Optional<MigrationTarget>> targets;
    private final MeterRegistry registry;
    private final Map<Region, Target> open = new EnumMap<>(Region.class);

    /**
     * @param bucketOf the bucket of a served region (FILECONV_S3_BUCKET_&lt;REGION&gt;)
     * @param targets  looked up for every move step, so a withdrawn target stops the move at its next step
     * @param registry for the targets' pool metrics; null for none
     */
    public MoveSides(Map<Region, FileRepository> served, Function<Region, String> bucketOf,
                     Function<Region, Optional<MigrationTarget>> targets, MeterRegistry registry) {
        this.served = served;
        this.bucketOf = bucketOf;
        this.targets = targets;
        this.registry = registry;
    }

    public RegionMove.Side from(Region region) {
        FileRepository files = served.get(region);
        if (files == null) {
            throw new IllegalArgumentException("region " + region.code() + " is not served by this operator"
                    + " (FILECONV_REGIONS): create the RegionMigration in the cell of the user's current region");
        }
        return new RegionMove.Side(region, files, bucketOf.apply(region));
    }

    public synchronized RegionMove.Side to(Region region) {
        if (served.containsKey(region)) {
            return new RegionMove.Side(region, served.get(region), bucketOf.apply(region));
        }
        MigrationTarget settings = targets.apply(region).orElseThrow(() -> new IllegalArgumentException("region "
                + region.code() + " is not served by this operator (FILECONV_REGIONS) and no migration target is given"
                + " for it (Secret " + MigrationTargetSecrets.secretName(region) + ")"));
        Target current = open.get(region);
        if (current == null || !current.settings().equals(settings)) {
            if (current != null) {
                current.pool().close();
            }
            HikariDataSource pool = Databases.pool(settings.database(), region.database(), 2, registry,
                    "fileconv-migration-" + region.code());
            current = new Target(settings, pool, new FileRepository(region, pool));
            open.put(region, current);
        }
        return new RegionMove.Side(region, current.files(), settings.bucket());
    }

    @Override
    public synchronized void close() {
        open.values().forEach(t -> t.pool().close());
        open.clear();
    }
}
