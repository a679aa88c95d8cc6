-- Baton's core schema; the same file runs on H2 (embedded default) and PostgreSQL.

CREATE TABLE tenants (
  id   VARCHAR(64)  PRIMARY KEY,
  name VARCHAR(200) NOT NULL
);

-- API keys are stored as SHA-256 hex of the key; a key belongs to a tenant or is an admin key.
CREATE TABLE api_keys (
  key_hash  CHAR(64)     PRIMARY KEY,
  tenant_id VARCHAR(64)  REFERENCES tenants (id),
  admin     BOOLEAN      NOT NULL DEFAULT FALSE,
  label     VARCHAR(200),
  CHECK (admin OR tenant_id IS NOT NULL)
);

-- A DID (E.164) a tenant owns, and where the redirect server sends it: an E.164 number (reached
-- through the core proxy) or a SIP URI. on_arrival names a target to transfer to on arrival.
CREATE TABLE dids (
  did         VARCHAR(20)  PRIMARY KEY,
  tenant_id   VARCHAR(64)  NOT NULL REFERENCES tenants (id),
  redirect_to VARCHAR(255) NOT NULL,
  on_arrival  VARCHAR(255),
  enabled     BOOLEAN      NOT NULL DEFAULT TRUE
);
CREATE INDEX dids_tenant ON dids (tenant_id);

-- Named transfer targets a tenant may use: "target:sales" -> +16465550111 or sip:...
CREATE TABLE targets (
  tenant_id   VARCHAR(64)  NOT NULL REFERENCES tenants (id),
  name        VARCHAR(64)  NOT NULL,
  destination VARCHAR(255) NOT NULL,
  PRIMARY KEY (tenant_id, name)
);

-- Carriers and what a minute to a prefix costs through each (least-cost routing).
CREATE TABLE carriers (
  name    VARCHAR(64)  PRIMARY KEY,
  gateway VARCHAR(255) NOT NULL,
  enabled BOOLEAN      NOT NULL DEFAULT TRUE
);

CREATE TABLE carrier_rates (
  carrier         VARCHAR(64)    NOT NULL REFERENCES carriers (name),
  prefix          VARCHAR(20)    NOT NULL,
  rate_per_minute DECIMAL(12, 6) NOT NULL,
  PRIMARY KEY (carrier, prefix)
);

CREATE TABLE transfers (
  id              VARCHAR(64)              PRIMARY KEY,
  call_id         VARCHAR(128)             NOT NULL,
  tenant_id       VARCHAR(64)              NOT NULL,
  to_text         VARCHAR(255)             NOT NULL,
  destination     VARCHAR(255)             NOT NULL,
  transfer_mode   VARCHAR(32)              NOT NULL,
  timeout_seconds INT                      NOT NULL,
  state           VARCHAR(32)              NOT NULL,
  sip_status      INT,
  reason          VARCHAR(500),
  created_at      TIMESTAMP WITH TIME ZONE NOT NULL,
  updated_at      TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX transfers_call ON transfers (call_id);
CREATE INDEX transfers_tenant ON transfers (tenant_id, created_at);

CREATE TABLE transfer_history (
  transfer_id VARCHAR(64)              NOT NULL REFERENCES transfers (id),
  seq         INT                      NOT NULL,
  state       VARCHAR(32)              NOT NULL,
  happened_at TIMESTAMP WITH TIME ZONE NOT NULL,
  cause       VARCHAR(500),
  PRIMARY KEY (transfer_id, seq)
);
