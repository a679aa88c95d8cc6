-- Issue 6: call detail records, one per ended call with its legs and their costs (the call's
-- transfers stay in transfers/transfer_history). The same file runs on H2 and PostgreSQL.

-- tenant_id is '' for a call to a DID no tenant owns (admins see those). outcome: answered |
-- failed. end_day is ended_at's UTC date (yyyy-mm-dd), what the savings view groups by.
-- released_ms: how long the calls' first paths would still have been held had their transfers
-- not released them; released_cost what that would have cost; rerouted_cost what the new paths
-- cost.
CREATE TABLE cdrs (
  call_id        VARCHAR(128)             PRIMARY KEY,
  tenant_id      VARCHAR(64)              NOT NULL,
  did            VARCHAR(32),
  from_uri       VARCHAR(500),
  to_uri         VARCHAR(500),
  outcome        VARCHAR(16)              NOT NULL,
  sip_status     INT,
  started_at     TIMESTAMP WITH TIME ZONE NOT NULL,
  ended_at       TIMESTAMP WITH TIME ZONE NOT NULL,
  end_day        CHAR(10)                 NOT NULL,
  duration_ms    BIGINT                   NOT NULL,
  transfer_count INT                      NOT NULL,
  cost           DECIMAL(14, 6)           NOT NULL,
  released_ms    BIGINT                   NOT NULL,
  released_cost  DECIMAL(14, 6)           NOT NULL,
  rerouted_cost  DECIMAL(14, 6)           NOT NULL
);
CREATE INDEX cdrs_tenant_started ON cdrs (tenant_id, started_at);
CREATE INDEX cdrs_tenant_day ON cdrs (tenant_id, end_day);

-- path: caller (the caller's own leg), first (the path to the first destination), rerouted (legs
-- opened by a transfer). dialled is the number a carrier leg was costed for.
CREATE TABLE cdr_legs (
  call_id         VARCHAR(128)             NOT NULL REFERENCES cdrs (call_id),
  seq             INT                      NOT NULL,
  leg_id          VARCHAR(64)              NOT NULL,
  element         VARCHAR(64)              NOT NULL,
  peer            VARCHAR(255),
  sip_call_id     VARCHAR(255),
  state           VARCHAR(16)              NOT NULL,
  started_at      TIMESTAMP WITH TIME ZONE NOT NULL,
  ended_at        TIMESTAMP WITH TIME ZONE,
  sip_status      INT,
  path            VARCHAR(16)              NOT NULL,
  carrier         VARCHAR(64),
  dialled         VARCHAR(32),
  billed_seconds  INT                      NOT NULL,
  rate_per_minute DECIMAL(12, 6),
  cost            DECIMAL(14, 6)           NOT NULL,
  PRIMARY KEY (call_id, seq)
);
