-- Webhooks (issue 15). The URL an upload asked for (multipart field webhookUrl), NULL: the owner's default, if any.
ALTER TABLE files ADD COLUMN webhook_url VARCHAR(2000) NULL AFTER pdf_options;

-- A user's webhook settings in the home region: the default URL and the signing secret (whsec_ + base64).
CREATE TABLE webhook_settings (
  user_id     VARCHAR(128)  NOT NULL PRIMARY KEY,
  url         VARCHAR(2000) NULL,
  secret      VARCHAR(100)  NOT NULL,
  updated_at  DATETIME(3)   NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Outbox of webhook deliveries: one row per terminal state of an attempt, inserted in the transaction of that
-- transition; id = <fileId>.<attempt>.<status> is the webhook-id a receiver deduplicates on. The body is a snapshot
-- so every retry signs the same bytes; TEXT because the escaped failure reason can outgrow any small VARCHAR (INSERT
-- IGNORE would truncate it into invalid JSON).
CREATE TABLE webhook_deliveries (
  id          VARCHAR(80)   NOT NULL PRIMARY KEY,
  user_id     VARCHAR(128)  NOT NULL,
  file_id     CHAR(36)      NOT NULL,
  url         VARCHAR(2000) NOT NULL,
  body        TEXT          NOT NULL,
  state       VARCHAR(16)   NOT NULL,
  attempts    INT           NOT NULL DEFAULT 0,
  next_at     DATETIME(3)   NOT NULL,
  last_error  VARCHAR(300)  NULL,
  created_at  DATETIME(3)   NOT NULL,
  updated_at  DATETIME(3)   NOT NULL,
  KEY idx_webhook_deliveries_due (state, next_at),
  KEY idx_webhook_deliveries_user (user_id),
  KEY idx_webhook_deliveries_file (file_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
