-- Which region move froze the user: a second move of the same user cannot freeze, switch or unfreeze them.
ALTER TABLE users ADD COLUMN migration_id VARCHAR(128) NULL;
