// Package zincimport reads a zinc database (its Django tables zinc_ip,
// zinc_policy, zinc_policymember, zinc_zone and zinc_policyrecord, in
// SQLite, PostgreSQL or MySQL/MariaDB) into signpost's store, keeping
// zinc's ids (member ids are in the SetIdentifiers of its trees), its
// health check ids and caller references, so that a first plan against
// the hosted zones zinc manages has nothing to change. zinc's side is only
// read.
package zincimport

import (
	"context"
	"database/sql"
	"fmt"
	"net/netip"
	"net/url"
	"strings"

	"github.com/go-sql-driver/mysql" // MySQL/MariaDB, which zinc's ZINC_DB_ENGINE allows
	_ "github.com/jackc/pgx/v5/stdlib"
	_ "modernc.org/sqlite"
)

// Open opens a zinc database: a SQLite file (zinc's default db.sqlite3,
// or sqlite://PATH), postgres://... or mysql://USER[:PASS]@HOST:PORT/DB.
func Open(dsn string) (*sql.DB, error) {
	switch {
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		return sql.Open("pgx", dsn)
	case strings.HasPrefix(dsn, "mysql://"):
		u, err := url.Parse(dsn)
		if err != nil {
			return nil, fmt.Errorf("zinc database %q: %w", dsn, err)
		}
		c := mysql.NewConfig()
		c.User = u.User.Username()
		c.Passwd, _ = u.User.Password()
		c.Net, c.Addr, c.DBName = "tcp", u.Host, strings.TrimPrefix(u.Path, "/")
		return sql.Open("mysql", c.FormatDSN())
	case strings.Contains(dsn, "://") && !strings.HasPrefix(dsn, "sqlite://"):
		return nil, fmt.Errorf("zinc database %q: not a SQLite path, postgres:// or mysql:// URL", dsn)
	}
	path := strings.TrimPrefix(dsn, "sqlite://")
	return sql.Open("sqlite", "file:"+path+"?mode=ro")
}

// zinc's rows, as read.
type (
	ipRow struct {
		addr                         netip.Addr
		hostname, friendly, hcID, hc string
		enabled, deleted             bool
	}
	policyRow struct {
		id, name, routing string
		ttl               uint32
	}
	memberRow struct {
		id, region, ip, policy string
		weight                 int
		enabled                bool
	}
	zoneRow struct {
		id, root string
		deleted  bool
	}
	recordRow struct {
		id, name, typ, policy, zone string
		deleted                     bool
	}
)

// tables is a zinc database as read.
type tables struct {
	ips      []ipRow
	policies []policyRow
	members  []memberRow
	zones    []zoneRow
	records  []recordRow
}

func read(ctx context.Context, db *sql.DB) (*tables, error) {
	t := &tables{}
	steps := []struct {
		what, query string
		scan        func(*sql.Rows) error
	}{
		{"zinc_ip", `SELECT ip, hostname, friendly_name, enabled, healthcheck_id, healthcheck_caller_reference, deleted FROM zinc_ip`,
			func(r *sql.Rows) error {
				var row ipRow
				var addr string
				var id, ref sql.NullString
				if err := r.Scan(&addr, &row.hostname, &row.friendly, &row.enabled, &id, &ref, &row.deleted); err != nil {
					return err
				}
				row.hcID, row.hc = id.String, ref.String
				a, err := netip.ParseAddr(host(addr))
				row.addr = a
				t.ips = append(t.ips, row)
				return err
			}},
		{"zinc_policy", `SELECT id, name, routing, ttl FROM zinc_policy`, func(r *sql.Rows) error {
			var row policyRow
			err := r.Scan(&row.id, &row.name, &row.routing, &row.ttl)
			t.policies = append(t.policies, row)
			return err
		}},
		{"zinc_policymember", `SELECT id, region, ip_id, policy_id, weight, enabled FROM zinc_policymember`, func(r *sql.Rows) error {
			var row memberRow
			err := r.Scan(&row.id, &row.region, &row.ip, &row.policy, &row.weight, &row.enabled)
			row.ip = host(row.ip)
			t.members = append(t.members, row)
			return err
		}},
		{"zinc_zone", `SELECT id, root, deleted FROM zinc_zone`, func(r *sql.Rows) error {
			var row zoneRow
			err := r.Scan(&row.id, &row.root, &row.deleted)
			t.zones = append(t.zones, row)
			return err
		}},
		{"zinc_policyrecord", `SELECT id, name, record_type, policy_id, zone_id, deleted FROM zinc_policyrecord`, func(r *sql.Rows) error {
			var row recordRow
			err := r.Scan(&row.id, &row.name, &row.typ, &row.policy, &row.zone, &row.deleted)
			t.records = append(t.records, row)
			return err
		}},
	}
	for _, s := range steps {
		if err := each(ctx, db, s.query, s.scan); err != nil {
			return nil, fmt.Errorf("reading %s: %w", s.what, err)
		}
	}
	return t, nil
}

func each(ctx context.Context, db *sql.DB, query string, scan func(*sql.Rows) error) error {
	rows, err := db.QueryContext(ctx, query)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// uuid writes a UUID as Python's str() does, whatever the column kept:
// PostgreSQL's uuid type, or Django's 32 hex digits elsewhere.
func uuid(s string) string {
	h := strings.ToLower(strings.ReplaceAll(s, "-", ""))
	if len(h) != 32 {
		return s
	}
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// host drops the prefix length PostgreSQL's inet type may show.
func host(addr string) string {
	a, _, _ := strings.Cut(addr, "/")
	return a
}
