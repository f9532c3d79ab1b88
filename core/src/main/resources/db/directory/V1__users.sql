-- Global user directory: home region of each user and the migration lock (RegionMigration).
CREATE TABLE users (
  user_id      VARCHAR(128) NOT NULL PRIMARY KEY,
  home_region  VARCHAR(8)   NOT NULL,
  migrating    BOOLEAN      NOT NULL DEFAULT FALSE,
  created_at   DATETIME(3)  NOT NULL,
  updated_at   DATETIME(3)  NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
