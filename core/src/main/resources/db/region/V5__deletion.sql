-- The retention job looks for terminal files finished before a cut-off; with this index it reads only those index
-- entries instead of every row of the region.
CREATE INDEX idx_files_status_finished ON files (status, finished_at);

-- Ids of deleted files (no user data): a region move's clean-up adds a source row the target lacks, taking it for an
-- upload that landed late; a file the user deleted in the target after the switch must not come back that way.
CREATE TABLE deleted_files (
  id          CHAR(36)    NOT NULL,
  deleted_at  DATETIME(3) NOT NULL,
  PRIMARY KEY (id),
  KEY idx_deleted_files_at (deleted_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
