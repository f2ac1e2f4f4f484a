package server

import (
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsr53 "github.com/aws/aws-sdk-go-v2/service/route53"
	"github.com/aws/aws-sdk-go-v2/service/route53/types"

	"github.com/signpost-dns/signpost/internal/config"
	"github.com/signpost-dns/signpost/internal/provider/route53"
	"github.com/signpost-dns/signpost/internal/server/servertest"
	"github.com/signpost-dns/signpost/internal/zincimport"
)

// mysqlEnv names a MariaDB/MySQL server for the import tests, as
// mysql://root@127.0.0.1:3306/; scripts/test.sh sets it.
const mysqlEnv = "SIGNPOST_TEST_MYSQL"

// zincDB is a zinc database of one dialect, made for one test.
type zincDB struct {
	dialect, dsn string
	db           *sql.DB
}

// zincDatabases makes zinc's schema (testdata/zinc/schema.*.sql, its
// migrations' final state) in SQLite, and in PostgreSQL and MariaDB when
// the test servers are there.
func zincDatabases(t *testing.T) []*zincDB {
	var out []*zincDB
	path := filepath.Join(t.TempDir(), "db.sqlite3")
	out = append(out, &zincDB{dialect: "sqlite", dsn: path})
	if pg := os.Getenv(servertest.PostgresEnv); pg != "" {
		schema := fmt.Sprintf("zinc%d", time.Now().UnixNano())
		admin, err := sql.Open("pgx", pg)
		if err != nil {
			t.Fatal(err)
		}
		mustExec(t, admin, "CREATE SCHEMA "+schema)
		t.Cleanup(func() { admin.Exec("DROP SCHEMA " + schema + " CASCADE"); admin.Close() })
		sep := "?"
		if strings.Contains(pg, "?") {
			sep = "&"
		}
		out = append(out, &zincDB{dialect: "postgres", dsn: pg + sep + "search_path=" + schema})
	}
	if my := os.Getenv(mysqlEnv); my != "" {
		name := fmt.Sprintf("zinc%d", time.Now().UnixNano())
		admin, err := zincimport.Open(my)
		if err != nil {
			t.Fatal(err)
		}
		mustExec(t, admin, "CREATE DATABASE "+name)
		t.Cleanup(func() { admin.Exec("DROP DATABASE " + name); admin.Close() })
		out = append(out, &zincDB{dialect: "mysql", dsn: strings.TrimSuffix(my, "/") + "/" + name})
	}
	for _, z := range out {
		db, err := sql.Open(map[string]string{"sqlite": "sqlite", "postgres": "pgx", "mysql": "mysql"}[z.dialect], driverDSN(z))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		z.db = db
		ddl, err := os.ReadFile(filepath.Join("testdata", "zinc", "schema."+z.dialect+".sql"))
		if err != nil {
			t.Fatal(err)
		}
		for _, stmt := range strings.Split(string(ddl), ";") {
			if s := strings.TrimSpace(stripComments(stmt)); s != "" {
				mustExec(t, db, s)
			}
		}
	}
	return out
}

func driverDSN(z *zincDB) string {
	if z.dialect != "mysql" {
		return z.dsn
	}
	m := regexp.MustCompile(`^mysql://([^@]*)@([^/]*)/(.*)$`).FindStringSubmatch(z.dsn)
	return m[1] + "@tcp(" + m[2] + ")/" + m[3]
}

func stripComments(s string) string {
	var lines []string
	for _, l := range strings.Split(s, "\n") {
		if !strings.HasPrefix(strings.TrimSpace(l), "--") {
			lines = append(lines, l)
		}
	}
	return strings.Join(lines, "\n")
}

func mustExec(t *testing.T, db *sql.DB, q string, args ...any) {
	t.Helper()
	if _, err := db.Exec(q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

// zuuid is a value of a UUIDField: Django keeps 32 hex digits outside
// PostgreSQL.
type zuuid string

// insert adds a row; UUIDs are written as the dialect keeps them.
func (z *zincDB) insert(t *testing.T, table string, cols string, vals ...any) {
	t.Helper()
	marks := make([]string, len(vals))
	for i, v := range vals {
		marks[i] = "?"
		if z.dialect == "postgres" {
			marks[i] = fmt.Sprintf("$%d", i+1)
		}
		if s, ok := v.(zuuid); ok {
			vals[i] = string(s)
			if z.dialect != "postgres" {
				vals[i] = strings.ReplaceAll(string(s), "-", "")
			}
		}
	}
	mustExec(t, z.db, "INSERT INTO "+table+" ("+cols+") VALUES ("+strings.Join(marks, ", ")+")", vals...)
}

func zid(kind string, n int) zuuid {
	return zuuid(fmt.Sprintf("%08d-0000-4000-8000-%012d", n, map[string]int{"p": 1, "m": 2, "r": 3, "c": 4}[kind]))
}

// TestImportZinc fills zinc's schema with the acceptance cases zinc keeps
// in step (the worked example's latency tree with two records on it, a
// weighted policy with a weight-0 member, an IPv6 member and AAAA record,
// a disabled member, a disabled IP, soft-deleted rows), puts the trees
// zinc would have written into the emulator, imports, and requires a plan
// of zero changes; a second import changes nothing.
func TestImportZinc(t *testing.T) {
	for _, z := range zincDatabases(t) {
		t.Run(z.dialect, func(t *testing.T) {
			zincBackends(t, func(t *testing.T, h *zincHarness) { importCase(t, h, z) })
		})
	}
}

func importCase(t *testing.T, h *zincHarness, z *zincDB) {
	for _, table := range []string{"zinc_policyrecord", "zinc_policymember", "zinc_policy", "zinc_ip", "zinc_zone"} {
		mustExec(t, z.db, "DELETE FROM "+table)
	}
	root := h.root("import-zinc.net.")
	zoneID := h.hostedZone(root)
	ips := []struct {
		addr             string
		enabled, deleted bool
	}{{"127.0.3.1", true, false}, {"127.0.3.2", true, false}, {"127.0.3.3", true, false}, {"127.0.3.4", true, false},
		{"127.0.5.1", true, false}, {"::ffff:127.0.5.2", true, false}, {"127.0.5.3", false, false}, {"127.0.5.9", true, true}}
	checks := map[string]string{}
	for i, ip := range ips {
		ref := zid("c", 100+i)
		id := ""
		if !ip.deleted {
			id = h.zincCheck(ip.addr, string(ref))
			checks[ip.addr] = id
		}
		z.insert(t, "zinc_ip", "ip, hostname, friendly_name, enabled, healthcheck_id, healthcheck_caller_reference, deleted",
			ip.addr, fmt.Sprintf("node%d", i), "", ip.enabled, id, ref, ip.deleted)
	}
	z.insert(t, "zinc_policy", "id, name, routing, ttl", zid("p", 1), "web", "latency", 30)
	z.insert(t, "zinc_policy", "id, name, routing, ttl", zid("p", 2), "api", "weighted", 60)
	members := []struct {
		n         int
		ip        string
		policy    int
		region    string
		weight    int
		enabled   bool
		zincWrote bool
	}{
		{1, "127.0.3.1", 1, "us-east-1", 10, true, true}, {2, "127.0.3.2", 1, "us-east-1", 20, true, true},
		{3, "127.0.3.3", 1, "eu-west-1", 10, true, true}, {4, "127.0.3.4", 1, "eu-west-1", 10, true, true},
		{5, "127.0.5.1", 2, "us-east-1", 0, true, true}, {6, "::ffff:127.0.5.2", 2, "eu-west-1", 10, true, true},
		{7, "127.0.5.3", 2, "us-east-1", 10, true, false}, {8, "127.0.3.1", 2, "us-east-1", 10, false, false},
	}
	for _, m := range members {
		z.insert(t, "zinc_policymember", "id, region, weight, ip_id, policy_id, enabled", zid("m", m.n), m.region, m.weight, m.ip, zid("p", m.policy), m.enabled)
	}
	z.insert(t, "zinc_zone", "id, root, route53_id, caller_reference, deleted, ns_propagated", 1, root, zoneID, zid("c", 1), false, true)
	z.insert(t, "zinc_zone", "id, root, route53_id, caller_reference, deleted, ns_propagated", 2, "gone-zinc.net.", nil, zid("c", 2), true, false)
	prs := []struct {
		n            int
		name, typ    string
		policy, zone int
		deleted      bool
	}{{1, "www", "A", 1, 1, false}, {2, "@", "A", 1, 1, false}, {3, "api", "A", 2, 1, false}, {4, "api", "AAAA", 2, 1, false},
		{5, "old", "A", 1, 1, true}, {6, "www", "A", 1, 2, false}}
	for _, r := range prs {
		z.insert(t, "zinc_policyrecord", "id, name, record_type, policy_id, zone_id, dirty, deleted", zid("r", r.n), r.name, r.typ, zid("p", r.policy), r.zone, false, r.deleted)
	}
	// What zinc wrote (reference §2), spelled out here rather than by the
	// layout under test.
	leaf := func(name, typ string, member int, region string, ttl, w int64, ip string) types.ResourceRecordSet {
		s := rrset(name+"."+root, typ, ttl, ip)
		s.SetIdentifier, s.Weight, s.HealthCheckId = aws.String(string(zid("m", member))+"-"+region), aws.Int64(w), aws.String(checks[ip])
		return s
	}
	alias := func(name, typ, target string, eth bool, region string) types.ResourceRecordSet {
		s := types.ResourceRecordSet{Name: aws.String(name), Type: types.RRType(typ),
			AliasTarget: &types.AliasTarget{HostedZoneId: aws.String(zoneID), DNSName: aws.String(target + "." + root), EvaluateTargetHealth: eth}}
		if region != "" {
			s.SetIdentifier, s.Region = aws.String(region), types.ResourceRecordSetRegion(region)
		}
		return s
	}
	txt := rrset("txt."+root, "TXT", 300, `"hello world"`)
	for _, s := range []types.ResourceRecordSet{
		rrset("test."+root, "A", 300, "127.0.0.1"), txt, rrset("mx."+root, "MX", 300, "10 mail."+root),
		leaf("_zn_web_us-east-1", "A", 1, "us-east-1", 30, 10, "127.0.3.1"), leaf("_zn_web_us-east-1", "A", 2, "us-east-1", 30, 20, "127.0.3.2"),
		leaf("_zn_web_eu-west-1", "A", 3, "eu-west-1", 30, 10, "127.0.3.3"), leaf("_zn_web_eu-west-1", "A", 4, "eu-west-1", 30, 10, "127.0.3.4"),
		alias("_zn_web."+root, "A", "_zn_web_eu-west-1", true, "eu-west-1"), alias("_zn_web."+root, "A", "_zn_web_us-east-1", true, "us-east-1"),
		alias("www."+root, "A", "_zn_web", false, ""), alias(root, "A", "_zn_web", false, ""),
		leaf("_zn_api", "A", 5, "us-east-1", 60, 0, "127.0.5.1"), leaf("_zn_api", "AAAA", 6, "eu-west-1", 60, 10, "::ffff:127.0.5.2"),
		alias("api."+root, "A", "_zn_api", false, ""), alias("api."+root, "AAAA", "_zn_api", false, ""),
	} {
		h.sendTo(zoneID, types.ChangeActionCreate, s)
	}
	imp := func() *zincimport.Report {
		db, err := zincimport.Open(z.dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		rep, err := zincimport.Import(h.ctx, db, h.st, zincimport.Options{Target: "r53", Regions: regions(defaultConfig()), Plain: h.p.Plain})
		if err != nil {
			t.Fatal(err)
		}
		return rep
	}
	rep := imp()
	want := map[string]int{"ip": 7, "health check": 7, "policy": 2, "zone": 1, "policy record": 4, "record": 3}
	for kind, n := range want {
		if rep.Created[kind] != n {
			t.Errorf("created %d %ss, want %d (report %+v)", rep.Created[kind], kind, n, rep)
		}
	}
	for _, s := range []string{"ip 127.0.5.9: deleted in zinc", "zone gone-zinc.net.: deleted in zinc", "policy record old: deleted in zinc",
		"policy record www: its zone is deleted in zinc"} {
		if !strings.Contains(strings.Join(rep.Skipped, "\n"), s) {
			t.Errorf("the report does not say %q: %q", s, rep.Skipped)
		}
	}
	h.converged()
	again := imp()
	if len(again.Created) != 1 || again.Created["health check"] != 7 { // checks are put, not counted apart
		t.Errorf("a second import created %v", again.Created)
	}
	h.converged()
}

// hostedZone creates a hosted zone directly, as zinc did.
func (h *zincHarness) hostedZone(root string) string {
	h.t.Helper()
	out, err := h.api.CreateHostedZone(h.ctx, &awsr53.CreateHostedZoneInput{Name: aws.String(root), CallerReference: aws.String("zinc " + root)})
	if err != nil {
		h.t.Fatal(err)
	}
	return strings.TrimPrefix(aws.ToString(out.HostedZone.Id), "/hostedzone/")
}

// zincCheck creates an IP's health check with zinc's config.
func (h *zincHarness) zincCheck(ip, ref string) string {
	h.t.Helper()
	out, err := h.api.CreateHealthCheck(h.ctx, &awsr53.CreateHealthCheckInput{CallerReference: aws.String(ref),
		HealthCheckConfig: &types.HealthCheckConfig{Type: types.HealthCheckTypeHttp, IPAddress: aws.String(ip), Port: aws.Int32(80),
			ResourcePath: aws.String("/status"), FullyQualifiedDomainName: aws.String("node.example.net")}})
	if err != nil {
		h.t.Fatal(err)
	}
	return aws.ToString(out.HealthCheck.Id)
}

func (h *zincHarness) sendTo(zoneID string, action types.ChangeAction, s types.ResourceRecordSet) {
	h.t.Helper()
	_, err := h.api.ChangeResourceRecordSets(h.ctx, &awsr53.ChangeResourceRecordSetsInput{HostedZoneId: aws.String(zoneID),
		ChangeBatch: &types.ChangeBatch{Changes: []types.Change{{Action: action, ResourceRecordSet: &s}}}})
	if err != nil && !route53.CutOff(err) { // a 2xx cut off: the change was made
		h.t.Fatalf("%s %s: %v", aws.ToString(s.Name), s.Type, err)
	}
}

func defaultConfig() *config.Config { c := config.Default(); return &c }
