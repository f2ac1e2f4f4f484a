-- zinc's tables as Django creates them in PostgreSQL after migrations
-- 0001..0011: native uuid and boolean types.
CREATE TABLE zinc_ip (ip inet NOT NULL PRIMARY KEY, hostname varchar(64) NOT NULL, friendly_name text NOT NULL,
  enabled boolean NOT NULL, healthcheck_id varchar(200) NULL, healthcheck_caller_reference uuid NULL, deleted boolean NOT NULL);
CREATE TABLE zinc_policy (id uuid NOT NULL PRIMARY KEY, name varchar(255) NOT NULL UNIQUE,
  routing varchar(255) NOT NULL, ttl integer NOT NULL CHECK (ttl >= 0));
CREATE TABLE zinc_zone (id serial NOT NULL PRIMARY KEY, root varchar(255) NOT NULL, route53_id varchar(32) NULL UNIQUE,
  caller_reference uuid NULL, deleted boolean NOT NULL, ns_propagated boolean NOT NULL, cached_ns_records text NULL);
CREATE TABLE zinc_policymember (id uuid NOT NULL PRIMARY KEY, region varchar(20) NOT NULL,
  weight integer NOT NULL CHECK (weight >= 0), ip_id inet NOT NULL REFERENCES zinc_ip (ip),
  policy_id uuid NOT NULL REFERENCES zinc_policy (id), enabled boolean NOT NULL);
CREATE TABLE zinc_policyrecord (id uuid NOT NULL PRIMARY KEY, name varchar(255) NOT NULL, dirty boolean NOT NULL, deleted boolean NOT NULL,
  policy_id uuid NOT NULL REFERENCES zinc_policy (id), zone_id integer NOT NULL REFERENCES zinc_zone (id),
  record_type varchar(10) NOT NULL, UNIQUE (name, record_type, zone_id));
