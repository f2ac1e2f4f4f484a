-- +goose Up
-- A provider's health check of an IP (zinc's healthcheck_id and
-- healthcheck_caller_reference, per provider): the reference is saved
-- before the check is created, so a retry after a crash finds the same
-- check. No foreign key: a check outlives its IP until it is deleted.
CREATE TABLE ip_checks (
    provider         TEXT NOT NULL,
    address          TEXT NOT NULL,
    caller_reference TEXT NOT NULL,
    check_id         TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (provider, address)
);

-- +goose Down
DROP TABLE ip_checks;
