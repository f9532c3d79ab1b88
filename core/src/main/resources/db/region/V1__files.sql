-- One row per uploaded file. Status changes only through io.fileconv.core.FileRepository (conditional UPDATEs).
CREATE TABLE files (
  id              CHAR(36)      NOT NULL PRIMARY KEY,
  user_id         VARCHAR(128)  NOT NULL,
  original_name   VARCHAR(255)  NOT NULL,
  detected_type   VARCHAR(127)  NOT NULL,
  size_bytes      BIGINT        NOT NULL,
  sha256          CHAR(64)      NOT NULL,
  input_key       VARCHAR(300)  NOT NULL,
  output_key      VARCHAR(300)  NOT NULL,
  status          VARCHAR(16)   NOT NULL,
  failure_class   VARCHAR(32)   NULL,
  failure_reason  VARCHAR(1000) NULL,
  attempts        INT           NOT NULL DEFAULT 1,
  request_id      VARCHAR(64)   NULL,
  conversion_ms   BIGINT        NULL,
  created_at      DATETIME(3)   NOT NULL,
  updated_at      DATETIME(3)   NOT NULL,
  queued_at       DATETIME(3)   NULL,
  started_at      DATETIME(3)   NULL,
  finished_at     DATETIME(3)   NULL,
  KEY idx_files_user (user_id, id),
  KEY idx_files_status (status)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Kafka positions of the dispatcher, written in the same transaction as the effect of the event.
CREATE TABLE consumer_offsets (
  group_id     VARCHAR(128) NOT NULL,
  topic        VARCHAR(249) NOT NULL,
  partition_no INT          NOT NULL,
  next_offset  BIGINT       NOT NULL,
  updated_at   DATETIME(3)  NOT NULL,
  PRIMARY KEY (group_id, topic, partition_no)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
