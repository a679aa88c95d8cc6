-- Issue 5, routing data: carriers with several gateways, a transport, a weight and a limit of
-- concurrent calls; rate decks with connection fees, billing increments and effective dates;
-- time-of-day / day-of-week variants of a DID's redirect. The same file runs on H2 and PostgreSQL.

-- transport: udp | tcp (the Contact's ;transport=). weight: the larger goes first among routes
-- of equal cost. max_calls: legs through the carrier at once, NULL for no limit.
ALTER TABLE carriers ADD COLUMN transport VARCHAR(8) DEFAULT 'udp' NOT NULL;
ALTER TABLE carriers ADD COLUMN weight INT DEFAULT 100 NOT NULL;
ALTER TABLE carriers ADD COLUMN max_calls INT;
ALTER TABLE carriers ADD CONSTRAINT carriers_transport CHECK (transport IN ('udp', 'tcp'));
ALTER TABLE carriers ADD CONSTRAINT carriers_weight CHECK (weight BETWEEN 0 AND 1000000);
ALTER TABLE carriers ADD CONSTRAINT carriers_max_calls CHECK (max_calls IS NULL OR max_calls >= 0);

-- A carrier's SIP gateways (host:port), tried in seq order; each is health-checked on its own.
CREATE TABLE carrier_gateways (
  carrier VARCHAR(64)  NOT NULL REFERENCES carriers (name) ON DELETE CASCADE,
  seq     INT          NOT NULL,
  address VARCHAR(255) NOT NULL,
  PRIMARY KEY (carrier, seq)
);
INSERT INTO carrier_gateways (carrier, seq, address) SELECT name, 1, gateway FROM carriers;
ALTER TABLE carriers DROP COLUMN gateway;

-- A carrier's rate deck: what a call to numbers starting with prefix (E.164, '+' and digits)
-- costs from effective_date (UTC) on, until a later row for the same prefix takes over: a
-- connection fee per answered call, plus rate_per_minute over the billed time, billed as
-- increment_first seconds at least, then in steps of increment_next seconds (60/60, 30/6, 1/1).
-- Only the rows of the carrier's current deck (carriers.deck) count: an import writes a new
-- deck and switches carriers.deck in one transaction; the replaced deck's rows are removed after.
ALTER TABLE carriers ADD COLUMN deck INT DEFAULT 1 NOT NULL;
CREATE TABLE rate_deck (
  carrier         VARCHAR(64)    NOT NULL REFERENCES carriers (name) ON DELETE CASCADE,
  deck            INT            DEFAULT 1 NOT NULL,
  prefix          VARCHAR(16)    NOT NULL,
  effective_date  DATE           NOT NULL,
  rate_per_minute DECIMAL(12, 6) NOT NULL,
  connection_fee  DECIMAL(12, 6) DEFAULT 0 NOT NULL,
  increment_first INT            DEFAULT 1 NOT NULL,
  increment_next  INT            DEFAULT 1 NOT NULL,
  PRIMARY KEY (carrier, deck, prefix, effective_date),
  CHECK (rate_per_minute >= 0 AND connection_fee >= 0),
  CHECK (increment_first BETWEEN 1 AND 3600 AND increment_next BETWEEN 1 AND 3600)
);
INSERT INTO rate_deck (carrier, prefix, effective_date, rate_per_minute)
  SELECT carrier, prefix, DATE '1970-01-01', rate_per_minute FROM carrier_rates;
DROP TABLE carrier_rates;

-- Bumped by every change of rate_deck, so readers of the whole deck (the redirect server) read
-- it again only when it changed.
CREATE TABLE rate_deck_version (
  id      INT    PRIMARY KEY,
  version BIGINT NOT NULL
);
INSERT INTO rate_deck_version (id, version) VALUES (1, 1);

-- Where a DID goes at certain times instead of dids.redirect_to: the first row (by seq) whose
-- days (mon,tue,...,sun) and [start_time, end_time) (HH:MM in the DID's time_zone; an end before
-- the start runs over midnight) hold the call's time.
ALTER TABLE dids ADD COLUMN time_zone VARCHAR(64) DEFAULT 'UTC' NOT NULL;
CREATE TABLE did_schedules (
  did         VARCHAR(20)  NOT NULL REFERENCES dids (did) ON DELETE CASCADE,
  seq         INT          NOT NULL,
  days        VARCHAR(27)  NOT NULL,
  start_time  CHAR(5)      NOT NULL,
  end_time    CHAR(5)      NOT NULL,
  redirect_to VARCHAR(255) NOT NULL,
  PRIMARY KEY (did, seq)
);
