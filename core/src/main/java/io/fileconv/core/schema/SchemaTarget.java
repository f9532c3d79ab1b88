package io.fileconv.core.schema;

import javax.sql.DataSource;

/** One schema a process uses: its name (for messages), its kind (which migrations) and a pool on it. */
public record SchemaTarget(String schema, SchemaKind kind, DataSource dataSource) {
}
