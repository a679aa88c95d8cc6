-- How a transfer's new leg through a carrier presents the call (docs "Transfers that always
-- finish"): caller_id keep (the caller's own) or did (the transferring DID); redirect_info none,
-- diversion (RFC 5806) or history-info (RFC 7044). The redirect server writes both into the
-- carrier's Contacts as cid=... and ri=... The same file runs on H2 and PostgreSQL.

ALTER TABLE carriers ADD COLUMN caller_id VARCHAR(16) DEFAULT 'keep' NOT NULL;
ALTER TABLE carriers ADD COLUMN redirect_info VARCHAR(16) DEFAULT 'none' NOT NULL;
ALTER TABLE carriers ADD CONSTRAINT carriers_caller_id CHECK (caller_id IN ('keep', 'did'));
ALTER TABLE carriers ADD CONSTRAINT carriers_redirect_info
  CHECK (redirect_info IN ('none', 'diversion', 'history-info'));
