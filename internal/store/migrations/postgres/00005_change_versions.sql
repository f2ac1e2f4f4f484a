-- +goose Up
-- Change versions, kept by triggers so that every writer counts, this
-- process or another (a second node on the same store, `import zinc`):
-- seq grows with every change to what is served (push errors and a
-- zone's name servers are not served); policies is the seq of the last
-- change to a policy, a member or an IP; a zone's records_version is the
-- seq of the last change to one of its records. A reload reads again only
-- what moved, and a node polls seq to see other writers. The triggers run once a statement, over its changed rows.
CREATE TABLE store_version (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    seq      BIGINT NOT NULL,
    policies BIGINT NOT NULL
);
INSERT INTO store_version (id, seq, policies) VALUES (1, 1, 1);
ALTER TABLE zones ADD COLUMN records_version BIGINT NOT NULL DEFAULT 0;

-- +goose StatementBegin
CREATE FUNCTION signpost_records_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    v BIGINT;
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NOT EXISTS (SELECT 1 FROM new_rows) THEN RETURN NULL; END IF;
        UPDATE store_version SET seq = seq + 1 RETURNING seq INTO v;
        UPDATE zones SET records_version = v WHERE id IN (SELECT zone_id FROM new_rows);
    ELSIF TG_OP = 'UPDATE' THEN
        -- A push error is not served (and a trigger with transition
        -- tables cannot name columns).
        IF NOT EXISTS (SELECT 1 FROM new_rows n JOIN old_rows o ON o.id = n.id
                WHERE (o.zone_id, o.name, o.type, o.ttl, o.vals, o.policy_id, o.dirty, o.create_pending, o.deleted)
                    IS DISTINCT FROM (n.zone_id, n.name, n.type, n.ttl, n.vals, n.policy_id, n.dirty, n.create_pending, n.deleted)) THEN
            RETURN NULL;
        END IF;
        UPDATE store_version SET seq = seq + 1 RETURNING seq INTO v;
        UPDATE zones SET records_version = v WHERE id IN (SELECT zone_id FROM new_rows UNION SELECT zone_id FROM old_rows);
    ELSE
        IF NOT EXISTS (SELECT 1 FROM old_rows) THEN RETURN NULL; END IF;
        UPDATE store_version SET seq = seq + 1 RETURNING seq INTO v;
        UPDATE zones SET records_version = v WHERE id IN (SELECT zone_id FROM old_rows);
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER records_inserted AFTER INSERT ON records REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION signpost_records_changed();
CREATE TRIGGER records_updated AFTER UPDATE ON records REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION signpost_records_changed();
CREATE TRIGGER records_deleted AFTER DELETE ON records REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION signpost_records_changed();

-- +goose StatementBegin
CREATE FUNCTION signpost_zones_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE store_version SET seq = seq + 1;
    RETURN NULL;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER zones_changed AFTER INSERT OR DELETE OR UPDATE OF root, targets, dirty, deleted ON zones
    FOR EACH ROW EXECUTE FUNCTION signpost_zones_changed();

-- +goose StatementBegin
CREATE FUNCTION signpost_policies_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE store_version SET seq = seq + 1, policies = seq + 1;
    RETURN NULL;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER policies_changed AFTER INSERT OR UPDATE OR DELETE ON policies
    FOR EACH ROW EXECUTE FUNCTION signpost_policies_changed();
CREATE TRIGGER members_changed AFTER INSERT OR UPDATE OR DELETE ON members
    FOR EACH ROW EXECUTE FUNCTION signpost_policies_changed();
CREATE TRIGGER ips_changed AFTER INSERT OR UPDATE OR DELETE ON ips
    FOR EACH ROW EXECUTE FUNCTION signpost_policies_changed();

-- +goose Down
DROP TRIGGER ips_changed ON ips;
DROP TRIGGER members_changed ON members;
DROP TRIGGER policies_changed ON policies;
DROP FUNCTION signpost_policies_changed;
DROP TRIGGER zones_changed ON zones;
DROP FUNCTION signpost_zones_changed;
DROP TRIGGER records_deleted ON records;
DROP TRIGGER records_updated ON records;
DROP TRIGGER records_inserted ON records;
DROP FUNCTION signpost_records_changed;
ALTER TABLE zones DROP COLUMN records_version;
DROP TABLE store_version;
