package io.fileconv.core.migration;

import io.fileconv.core.DatabaseSettings;
import io.fileconv.core.Region;

/**
 * A region of another cell that a move may copy a user into: its database (a user allowed to read and write that
 * region's files and upload_keys tables) and its bucket. Given for one move and withdrawn afterwards, so no cell
 * holds standing credentials of another region's data.
 */
public record MigrationTarget(Region region, DatabaseSettings database, String bucket) {
}
