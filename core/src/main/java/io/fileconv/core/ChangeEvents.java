package io.fileconv.core;

import java.util.List;

/**
 * What Debezium puts into Kafka of a files row: only the columns the dispatcher reads (the rest, file names, sizes,
 * hashes, failure texts, is looked up from the row by id). The embedded stack's connector and the cluster's
 * KafkaConnector (strimzi/templates/connectors.yaml, checked by the manifests tests) use the same list.
 */
public final class ChangeEvents {
    public static final List<String> COLUMNS = List.of("id", "status", "attempts");

    private ChangeEvents() {
    }

    /** Debezium's column.include.list for a region: regular expressions over database.table.column. */
    public static String columnIncludeList(Region region) {
        return region.database() + "\\.files\\.(" + String.join("|", COLUMNS) + ")";
    }
}
