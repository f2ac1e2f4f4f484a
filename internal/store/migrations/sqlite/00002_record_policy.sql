-- +goose Up
-- Policy records name their policy in a column of their own, so that a
-- write to a policy finds the records that point at it without reading
-- every record.
ALTER TABLE records ADD COLUMN policy_id TEXT NOT NULL DEFAULT '';
UPDATE records SET policy_id = json_extract(vals, '$[0]') WHERE type IN ('POLICY_ROUTED', 'POLICY_ROUTED_IPv6');
CREATE INDEX records_policy ON records (policy_id);

-- +goose Down
DROP INDEX records_policy;
ALTER TABLE records DROP COLUMN policy_id;
