-- Issue 10 item 9: webhook secrets are no longer kept in plain text. secret holds the secret sealed
-- with AES-256-GCM under a master key (transfer.secrets), secret_key_id the id of that master key,
-- so keys can rotate. A row whose secret_key_id is NULL was written in plain text before this
-- version: the transfer server seals it at its next start (docs/security.md, "The HTTP APIs").
-- The same file runs on H2 (embedded default) and PostgreSQL.
ALTER TABLE webhooks ALTER COLUMN secret SET DATA TYPE VARCHAR(512);
ALTER TABLE webhooks ADD COLUMN secret_key_id VARCHAR(32);
