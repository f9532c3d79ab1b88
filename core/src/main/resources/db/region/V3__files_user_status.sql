-- The API counts a user's files not yet terminal on every upload (per-user in-flight limit): with this index that
-- count reads only those index entries, not every file the user ever uploaded.
CREATE INDEX idx_files_user_status ON files (user_id, status);
