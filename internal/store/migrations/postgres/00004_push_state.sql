-- +goose Up
-- What the store has pushed to its zones' providers. A write to a zone
-- with targets sets the record's (or, for a delete, the zone's) dirty
-- token; a reconcile clears it only if it is still the token it planned
-- with, so a write during a push is never lost. A record deleted after
-- it was pushed stays as a tombstone (deleted) until its deletion is
-- pushed; create_pending marks a record whose one write was its create,
-- which a provider must not let overwrite a record it did not make.
ALTER TABLE records ADD COLUMN dirty TEXT NOT NULL DEFAULT '';
ALTER TABLE records ADD COLUMN push_error TEXT NOT NULL DEFAULT '';
ALTER TABLE records ADD COLUMN create_pending BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE records ADD COLUMN deleted BOOLEAN NOT NULL DEFAULT FALSE;
CREATE INDEX records_dirty ON records (dirty);
-- A zone deleted with targets stays, deleted, until its hosted zones are
-- gone; name_servers is the delegation a provider assigned.
ALTER TABLE zones ADD COLUMN dirty TEXT NOT NULL DEFAULT '';
ALTER TABLE zones ADD COLUMN push_error TEXT NOT NULL DEFAULT '';
ALTER TABLE zones ADD COLUMN deleted BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE zones ADD COLUMN name_servers TEXT NOT NULL DEFAULT '[]';
-- Health checks replaced or left without an IP, deleted once no record
-- set uses them.
CREATE TABLE retired_checks (
    provider TEXT NOT NULL,
    check_id TEXT NOT NULL,
    PRIMARY KEY (provider, check_id)
);

-- +goose Down
DROP TABLE retired_checks;
ALTER TABLE zones DROP COLUMN name_servers;
ALTER TABLE zones DROP COLUMN deleted;
ALTER TABLE zones DROP COLUMN push_error;
ALTER TABLE zones DROP COLUMN dirty;
DROP INDEX records_dirty;
ALTER TABLE records DROP COLUMN deleted;
ALTER TABLE records DROP COLUMN create_pending;
ALTER TABLE records DROP COLUMN push_error;
ALTER TABLE records DROP COLUMN dirty;
