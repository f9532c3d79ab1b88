package io.fileconv.core;

import com.zaxxer.hikari.HikariDataSource;
import io.fileconv.core.schema.SchemaKind;
import io.fileconv.core.schema.SchemaTarget;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The connection pools a deployable holds: one per served region (FILECONV_REGIONS) and one to the user directory,
 * named {@code <owner>-<schema>} in metrics (the embedded stack's API and worker share one registry), each closed
 * by the owner's {@link Closer}.
 */
public final class RegionDatabases {
    private final Map<Region, FileRepository> repositories = new EnumMap<>(Region.class);
    private final List<SchemaTarget> schemas = new ArrayList<>();
    private final HikariDataSource directory;

    private RegionDatabases(HikariDataSource directory) {
        this.directory = directory;
    }

    public static RegionDatabases open(Env env, String owner, int regionPoolSize, int directoryPoolSize,
                                       MeterRegistry metrics, Closer closer) {
        RegionDatabases dbs = new RegionDatabases(closer.push(Databases.pool(env.directoryDatabase(),
                Databases.DIRECTORY, directoryPoolSize, metrics, owner + "-" + Databases.DIRECTORY)));
        for (Region r : env.regions()) {
            HikariDataSource ds = closer.push(Databases.pool(env.regionalDatabase(), r.database(), regionPoolSize,
                    metrics, owner + "-" + r.database()));
            dbs.repositories.put(r, new FileRepository(r, ds));
            dbs.schemas.add(new SchemaTarget(r.database(), SchemaKind.REGION, ds));
        }
        dbs.schemas.add(new SchemaTarget(Databases.DIRECTORY, SchemaKind.DIRECTORY, dbs.directory));
        return dbs;
    }

    /** The served regions' files tables, in region order. */
    public Map<Region, FileRepository> repositories() {
        return Collections.unmodifiableMap(repositories);
    }

    public UserDirectory users() {
        return new UserDirectory(directory);
    }

    /** Every schema these pools use: what the deployable's SchemaGate waits for. */
    public List<SchemaTarget> schemas() {
        return List.copyOf(schemas);
    }
}
