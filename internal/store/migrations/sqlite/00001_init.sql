-- +goose Up
CREATE TABLE ips (
    address       TEXT PRIMARY KEY,
    hostname      TEXT NOT NULL DEFAULT '',
    friendly_name TEXT NOT NULL DEFAULT '',
    enabled       BOOLEAN NOT NULL DEFAULT TRUE,
    healthcheck   TEXT NOT NULL DEFAULT ''
);
CREATE TABLE policies (
    id      TEXT PRIMARY KEY,
    name    TEXT NOT NULL UNIQUE,
    routing TEXT NOT NULL,
    ttl     INTEGER NOT NULL
);
CREATE TABLE members (
    id        TEXT PRIMARY KEY,
    policy_id TEXT NOT NULL REFERENCES policies (id) ON DELETE CASCADE,
    ip        TEXT NOT NULL REFERENCES ips (address) ON DELETE CASCADE,
    region    TEXT NOT NULL,
    weight    INTEGER NOT NULL,
    enabled   BOOLEAN NOT NULL
);
CREATE INDEX members_policy ON members (policy_id);
CREATE INDEX members_ip ON members (ip);
CREATE TABLE zones (
    id      TEXT PRIMARY KEY,
    root    TEXT NOT NULL UNIQUE,
    targets TEXT NOT NULL DEFAULT '[]'
);
CREATE TABLE records (
    id      TEXT PRIMARY KEY,
    zone_id TEXT NOT NULL REFERENCES zones (id) ON DELETE CASCADE,
    name    TEXT NOT NULL,
    type    TEXT NOT NULL,
    ttl     INTEGER NOT NULL,
    vals    TEXT NOT NULL,
    UNIQUE (zone_id, name, type)
);
CREATE TABLE tokens (
    name       TEXT PRIMARY KEY,
    hash       TEXT NOT NULL UNIQUE,
    read_only  BOOLEAN NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE TABLE events (
    id      INTEGER PRIMARY KEY AUTOINCREMENT,
    at      BIGINT NOT NULL,
    actor   TEXT NOT NULL,
    kind    TEXT NOT NULL,
    subject TEXT NOT NULL,
    before  TEXT NOT NULL DEFAULT '',
    after   TEXT NOT NULL DEFAULT ''
);
-- +goose Down
DROP TABLE events;
DROP TABLE tokens;
DROP TABLE records;
DROP TABLE zones;
DROP TABLE members;
DROP TABLE policies;
DROP TABLE ips;
