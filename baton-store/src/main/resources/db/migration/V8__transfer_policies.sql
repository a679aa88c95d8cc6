-- Where each tenant's transfers may go and how many it may start (toll-fraud guard, issue 10).
-- A tenant without a row is held to the default policy (TransferPolicy.DEFAULT: named targets
-- only). max_rate_per_minute is in the currency of the rate decks; NULL: no ceiling.
CREATE TABLE transfer_policies (
  tenant_id                VARCHAR(64)    PRIMARY KEY REFERENCES tenants (id),
  max_rate_per_minute      DECIMAL(12, 6) CHECK (max_rate_per_minute >= 0),
  max_transfers_per_minute INT            NOT NULL CHECK (max_transfers_per_minute > 0),
  max_transfers_in_flight  INT            NOT NULL CHECK (max_transfers_in_flight > 0)
);

-- The policy's lists, each in the order given: 'numbers' (ISO 3166 regions or E.164 prefixes),
-- 'number-types' (libphonenumber PhoneNumberType names), 'sip-domains' (hosts of sip: URIs).
CREATE TABLE transfer_policy_allows (
  tenant_id VARCHAR(64)  NOT NULL REFERENCES transfer_policies (tenant_id) ON DELETE CASCADE,
  list_name VARCHAR(16)  NOT NULL CHECK (list_name IN ('numbers', 'number-types', 'sip-domains')),
  seq       INT          NOT NULL,
  entry     VARCHAR(255) NOT NULL,
  PRIMARY KEY (tenant_id, list_name, seq)
);
