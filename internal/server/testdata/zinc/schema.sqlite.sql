-- zinc's tables as Django creates them in SQLite after migrations
-- 0001..0011 (github.com/presslabs/zinc, zinc/migrations): UUIDs as 32
-- hex digits, booleans as integers.
CREATE TABLE zinc_ip (ip char(39) NOT NULL PRIMARY KEY, hostname varchar(64) NOT NULL, friendly_name text NOT NULL,
  enabled bool NOT NULL, healthcheck_id varchar(200) NULL, healthcheck_caller_reference char(32) NULL, deleted bool NOT NULL);
CREATE TABLE zinc_policy (id char(32) NOT NULL PRIMARY KEY, name varchar(255) NOT NULL UNIQUE,
  routing varchar(255) NOT NULL, ttl integer unsigned NOT NULL CHECK (ttl >= 0));
CREATE TABLE zinc_zone (id integer NOT NULL PRIMARY KEY AUTOINCREMENT, root varchar(255) NOT NULL, route53_id varchar(32) NULL UNIQUE,
  caller_reference char(32) NULL, deleted bool NOT NULL, ns_propagated bool NOT NULL, cached_ns_records text NULL);
CREATE TABLE zinc_policymember (id char(32) NOT NULL PRIMARY KEY, region varchar(20) NOT NULL,
  weight integer unsigned NOT NULL CHECK (weight >= 0), ip_id char(39) NOT NULL REFERENCES zinc_ip (ip),
  policy_id char(32) NOT NULL REFERENCES zinc_policy (id), enabled bool NOT NULL);
CREATE TABLE zinc_policyrecord (id char(32) NOT NULL PRIMARY KEY, name varchar(255) NOT NULL, dirty bool NOT NULL, deleted bool NOT NULL,
  policy_id char(32) NOT NULL REFERENCES zinc_policy (id), zone_id integer NOT NULL REFERENCES zinc_zone (id),
  record_type varchar(10) NOT NULL, UNIQUE (name, record_type, zone_id));
