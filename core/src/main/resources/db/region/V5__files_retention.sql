-- The retention job looks for terminal files finished before a cut-off; with this index it reads only those index
-- entries instead of every row of the region.
CREATE INDEX idx_files_status_finished ON files (status, finished_at);
