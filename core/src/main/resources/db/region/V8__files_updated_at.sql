-- The API's live status feed (GET /api/v1/events) asks each region every half second for the rows changed since its
-- last pass, and a stream resumed with Last-Event-ID for the rows changed since that event: both read this index
-- instead of scanning the table.
CREATE INDEX idx_files_updated ON files (updated_at, id);
