-- What happens to a call once it reaches the destination platform (a transfer on arrival, an IVR)
-- is the platform's own configuration, which asks Baton's REST API (issue 4); Baton never acted on
-- dids.on_arrival, so it goes rather than mislead an operator who sets it.
ALTER TABLE dids DROP COLUMN on_arrival;
