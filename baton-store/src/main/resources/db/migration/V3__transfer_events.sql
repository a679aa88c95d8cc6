-- Issue 3, transfers that always finish: ordered fallback targets, idempotency keys, events and
-- webhooks. The same file runs on H2 (embedded default) and PostgreSQL.

-- What the caller goes through when every target fails: stay (default) or hangup; and the
-- 1-based attempt (target) SBC-edge reported last.
ALTER TABLE transfers ADD COLUMN on_fail VARCHAR(16) DEFAULT 'stay' NOT NULL;
ALTER TABLE transfers ADD COLUMN attempt INT DEFAULT 1 NOT NULL;

-- A transfer's targets in the order they are tried (transfers.to_text/destination/timeout_seconds
-- keep the first one's).
CREATE TABLE transfer_targets (
  transfer_id     VARCHAR(64)  NOT NULL REFERENCES transfers (id),
  seq             INT          NOT NULL,
  to_text         VARCHAR(255) NOT NULL,
  destination     VARCHAR(255) NOT NULL,
  timeout_seconds INT          NOT NULL,
  PRIMARY KEY (transfer_id, seq)
);
INSERT INTO transfer_targets (transfer_id, seq, to_text, destination, timeout_seconds)
  SELECT id, 1, to_text, destination, timeout_seconds FROM transfers;

-- Idempotency-Key of a transfer request: one transfer per (tenant, key). tenant_id is '*' for
-- admin keys (no tenant id can be '*'). request_hash is the SHA-256 hex of the request's
-- canonical form; response the 202's body, replayed to every duplicate. Purged after 24 h.
CREATE TABLE idempotency_keys (
  tenant_id    VARCHAR(64)              NOT NULL,
  idem_key     VARCHAR(200)             NOT NULL,
  request_hash CHAR(64)                 NOT NULL,
  transfer_id  VARCHAR(64)              NOT NULL REFERENCES transfers (id),
  response     TEXT                     NOT NULL,
  created_at   TIMESTAMP WITH TIME ZONE NOT NULL,
  PRIMARY KEY (tenant_id, idem_key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);

-- A tenant's webhook: where its events are POSTed, and the HMAC-SHA256 key that signs them.
CREATE TABLE webhooks (
  tenant_id VARCHAR(64)   PRIMARY KEY REFERENCES tenants (id),
  url       VARCHAR(2000) NOT NULL,
  secret    VARCHAR(200)  NOT NULL
);

-- Events not yet delivered to their tenant's webhook (at least once: a row goes only after a
-- 2xx). Written in the same transaction as the state change it reports; delivered per tenant in
-- event_id order.
CREATE TABLE webhook_outbox (
  event_id        BIGINT                   PRIMARY KEY,
  tenant_id       VARCHAR(64)              NOT NULL,
  body            TEXT                     NOT NULL,
  created_at      TIMESTAMP WITH TIME ZONE NOT NULL,
  attempts        INT                      DEFAULT 0 NOT NULL,
  next_attempt_at TIMESTAMP WITH TIME ZONE NOT NULL,
  last_error      VARCHAR(500)
);
CREATE INDEX webhook_outbox_tenant ON webhook_outbox (tenant_id, event_id);

-- Event ids: one row, handed out in blocks, so ids keep growing across restarts.
CREATE TABLE event_sequence (
  id      INT    PRIMARY KEY,
  next_id BIGINT NOT NULL
);
INSERT INTO event_sequence (id, next_id) VALUES (1, 1);
