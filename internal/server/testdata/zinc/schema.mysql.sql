-- zinc's tables as Django creates them in MySQL/MariaDB after migrations
-- 0001..0011: UUIDs as char(32), booleans as bool (tinyint).
CREATE TABLE zinc_ip (ip char(39) NOT NULL PRIMARY KEY, hostname varchar(64) NOT NULL, friendly_name longtext NOT NULL,
  enabled bool NOT NULL, healthcheck_id varchar(200) NULL, healthcheck_caller_reference char(32) NULL, deleted bool NOT NULL);
CREATE TABLE zinc_policy (id char(32) NOT NULL PRIMARY KEY, name varchar(255) NOT NULL UNIQUE,
  routing varchar(255) NOT NULL, ttl integer UNSIGNED NOT NULL);
CREATE TABLE zinc_zone (id integer AUTO_INCREMENT NOT NULL PRIMARY KEY, root varchar(255) NOT NULL, route53_id varchar(32) NULL UNIQUE,
  caller_reference char(32) NULL, deleted bool NOT NULL, ns_propagated bool NOT NULL, cached_ns_records longtext NULL);
CREATE TABLE zinc_policymember (id char(32) NOT NULL PRIMARY KEY, region varchar(20) NOT NULL,
  weight integer UNSIGNED NOT NULL, ip_id char(39) NOT NULL, policy_id char(32) NOT NULL, enabled bool NOT NULL,
  FOREIGN KEY (ip_id) REFERENCES zinc_ip (ip), FOREIGN KEY (policy_id) REFERENCES zinc_policy (id));
CREATE TABLE zinc_policyrecord (id char(32) NOT NULL PRIMARY KEY, name varchar(255) NOT NULL, dirty bool NOT NULL, deleted bool NOT NULL,
  policy_id char(32) NOT NULL, zone_id integer NOT NULL, record_type varchar(10) NOT NULL, UNIQUE (name, record_type, zone_id),
  FOREIGN KEY (policy_id) REFERENCES zinc_policy (id), FOREIGN KEY (zone_id) REFERENCES zinc_zone (id));
