-- +goose Up
-- Change versions, kept by triggers so that every writer counts, this
-- process or another (a second node on the same store, `import zinc`):
-- seq grows with every change to what is served (push errors and a
-- zone's name servers are not served); policies is the seq of the last
-- change to a policy, a member or an IP; a zone's records_version is the
-- seq of the last change to one of its records. A reload reads again only
-- what moved, and a node polls seq to see other writers.
CREATE TABLE store_version (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    seq      BIGINT NOT NULL,
    policies BIGINT NOT NULL
);
INSERT INTO store_version (id, seq, policies) VALUES (1, 1, 1);
ALTER TABLE zones ADD COLUMN records_version BIGINT NOT NULL DEFAULT 0;

-- +goose StatementBegin
CREATE TRIGGER records_inserted AFTER INSERT ON records BEGIN
    UPDATE store_version SET seq = seq + 1;
    UPDATE zones SET records_version = (SELECT seq FROM store_version) WHERE id = NEW.zone_id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER records_updated AFTER UPDATE OF zone_id, name, type, ttl, vals, policy_id, dirty, create_pending, deleted ON records BEGIN
    UPDATE store_version SET seq = seq + 1;
    UPDATE zones SET records_version = (SELECT seq FROM store_version) WHERE id IN (OLD.zone_id, NEW.zone_id);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER records_deleted AFTER DELETE ON records BEGIN
    UPDATE store_version SET seq = seq + 1;
    UPDATE zones SET records_version = (SELECT seq FROM store_version) WHERE id = OLD.zone_id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER zones_inserted AFTER INSERT ON zones BEGIN
    UPDATE store_version SET seq = seq + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER zones_updated AFTER UPDATE OF root, targets, dirty, deleted ON zones BEGIN
    UPDATE store_version SET seq = seq + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER zones_deleted AFTER DELETE ON zones BEGIN
    UPDATE store_version SET seq = seq + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER policies_inserted AFTER INSERT ON policies BEGIN
    UPDATE store_version SET seq = seq + 1, policies = seq + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER policies_updated AFTER UPDATE ON policies BEGIN
    UPDATE store_version SET seq = seq + 1, policies = seq + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER policies_deleted AFTER DELETE ON policies BEGIN
    UPDATE store_version SET seq = seq + 1, policies = seq + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER members_inserted AFTER INSERT ON members BEGIN
    UPDATE store_version SET seq = seq + 1, policies = seq + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER members_updated AFTER UPDATE ON members BEGIN
    UPDATE store_version SET seq = seq + 1, policies = seq + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER members_deleted AFTER DELETE ON members BEGIN
    UPDATE store_version SET seq = seq + 1, policies = seq + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER ips_inserted AFTER INSERT ON ips BEGIN
    UPDATE store_version SET seq = seq + 1, policies = seq + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER ips_updated AFTER UPDATE ON ips BEGIN
    UPDATE store_version SET seq = seq + 1, policies = seq + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER ips_deleted AFTER DELETE ON ips BEGIN
    UPDATE store_version SET seq = seq + 1, policies = seq + 1;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER records_inserted;
DROP TRIGGER records_updated;
DROP TRIGGER records_deleted;
DROP TRIGGER zones_inserted;
DROP TRIGGER zones_updated;
DROP TRIGGER zones_deleted;
DROP TRIGGER policies_inserted;
DROP TRIGGER policies_updated;
DROP TRIGGER policies_deleted;
DROP TRIGGER members_inserted;
DROP TRIGGER members_updated;
DROP TRIGGER members_deleted;
DROP TRIGGER ips_inserted;
DROP TRIGGER ips_updated;
DROP TRIGGER ips_deleted;
ALTER TABLE zones DROP COLUMN records_version;
DROP TABLE store_version;
