-- Passwords of encrypted uploads, sealed with AES-GCM (FILECONV_PASSWORD_KEY). Deliberately not a column of `files`:
-- Debezium captures only `files` (table.include.list), so nothing here reaches Kafka. A row lives until its file is
-- terminal (FileRepository deletes it in the terminal transition); erasure and a region move's clean-up delete the
-- file row, and the cascade takes the password with it.
CREATE TABLE file_passwords (
  file_id     CHAR(36)       NOT NULL,
  sealed      VARBINARY(1024) NOT NULL,
  created_at  DATETIME(3)    NOT NULL,
  PRIMARY KEY (file_id),
  CONSTRAINT fk_file_passwords_file FOREIGN KEY (file_id) REFERENCES files (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
