package io.fileconv.api;

import io.fileconv.core.ObjectStore;
import io.fileconv.core.ReadinessProbe;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.util.Collection;
import java.util.function.BooleanSupplier;

/**
 * /readyz: every served region's MySQL answers and its bucket exists. Kafka is not checked: the API never talks
 * to it (change events leave MySQL through Debezium), so a Kafka outage must not take uploads away.
 */
public final class ReadinessCheck implements BooleanSupplier, ReadinessProbe {
    private static final Logger LOG = LoggerFactory.getLogger(ReadinessCheck.class);

    private final Collection<RegionStore> stores;
    private final ObjectStore objects;

    public ReadinessCheck(Collection<RegionStore> stores, ObjectStore objects) {
        this.stores = stores;
        this.objects = objects;
    }

    @Override
    public boolean getAsBoolean() {
        return notReadyReason() == null;
    }

    @Override
    public String notReadyReason() {
        for (RegionStore s : stores) {
            try (Connection c = s.files().dataSource().getConnection()) {
                if (!c.isValid(2)) {
                    return "region " + s.region().code() + ": database connection not valid";
                }
            } catch (Exception e) {
                LOG.warn("not ready: region {}: {}", s.region().code(), e.toString());
                return "region " + s.region().code() + ": database unreachable";
            }
            try {
                objects.client().headBucket(b -> b.bucket(s.bucket()));
            } catch (Exception e) {
                LOG.warn("not ready: region {}: {}", s.region().code(), e.toString());
                return "region " + s.region().code() + ": bucket " + s.bucket() + " unreachable";
            }
        }
        return null;
    }
}
