-- Idempotency-Key of an upload: a retried request with the same key gets the first result, not a second file.
CREATE TABLE upload_keys (
  user_id     VARCHAR(128) NOT NULL,
  idem_key    VARCHAR(128) NOT NULL,
  file_id     CHAR(36)     NOT NULL,
  created_at  DATETIME(3)  NOT NULL,
  PRIMARY KEY (user_id, idem_key)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
