package main

import (
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/signpost-dns/signpost/internal/server/servertest"
)

// TestImportZincCommand imports a zinc SQLite database (zinc's schema from
// the server tests' testdata) whose hosted zone does not exist yet, then
// plans, applies and plans again to zero; dump then explains that the
// zone's trees are zinc's layout rather than dumping them as records.
func TestImportZincCommand(t *testing.T) {
	ep, _ := servertest.Route53(t)
	t.Setenv("TEST_AWS_KEY", "test")
	cfg := servertest.Workspace(t, servertest.Apex, fmt.Sprintf("providers:\n  r53:\n    type: route53\n    access_key_id: env/TEST_AWS_KEY\n"+
		"    secret_access_key: env/TEST_AWS_KEY\n    endpoint: %s\npolicies:\n  healthcheck: {protocol: HTTP, port: 80, path: /status, host: node.example.net}\n", ep))
	root := fmt.Sprintf("z%d.zinc-cli.net.", time.Now().UnixNano())
	dsn := filepath.Join(t.TempDir(), "db.sqlite3")
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		t.Fatal(err)
	}
	ddl, err := os.ReadFile("../../internal/server/testdata/zinc/schema.sqlite.sql")
	if err != nil {
		t.Fatal(err)
	}
	stmts := append(strings.Split(string(ddl), ";"),
		`INSERT INTO zinc_ip VALUES ('127.0.3.1', 'node1', '', 1, NULL, NULL, 0)`,
		`INSERT INTO zinc_policy VALUES ('0000000100004000800000000000000a', 'web', 'weighted', 30)`,
		`INSERT INTO zinc_policymember VALUES ('0000000200004000800000000000000b', 'us-east-1', 10, '127.0.3.1', '0000000100004000800000000000000a', 1)`,
		`INSERT INTO zinc_zone (id, root, deleted, ns_propagated) VALUES (7, '`+root+`', 0, 1)`,
		`INSERT INTO zinc_policyrecord VALUES ('0000000300004000800000000000000c', 'www', 1, 0, '0000000100004000800000000000000a', 7, 'A')`)
	for _, s := range stmts {
		if strings.TrimSpace(s) == "" || strings.HasPrefix(strings.TrimSpace(s), "--") && !strings.Contains(s, "CREATE") {
			continue
		}
		if _, err := db.Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
	db.Close()

	code, out, errs := runCmd("import", "zinc", "--config", cfg, "--from", dsn)
	if code != 0 || !strings.Contains(out, "policy records: created 1") || !strings.Contains(out, "no hosted zone at r53 yet") {
		t.Fatalf("import exit %d:\n%s%s", code, out, errs)
	}
	if code, out, _ := runCmd("plan", "--config", cfg, "--zone", root, "--detailed-exitcode"); code != 2 ||
		!strings.Contains(out, "create hosted zone "+root) || !strings.Contains(out, "_zn_web."+root) {
		t.Fatalf("plan exit %d, want 2 with the zone and web's tree:\n%s", code, out)
	}
	if code, out, errs := runCmd("apply", "--config", cfg, "--zone", root); code != 0 {
		t.Fatalf("apply exit %d\n%s%s", code, out, errs)
	}
	if code, out, _ := runCmd("plan", "--config", cfg, "--zone", root, "--detailed-exitcode"); code != 0 {
		t.Fatalf("second plan exit %d, want 0:\n%s", code, out)
	}
	code, _, errs = runCmd("dump", "--config", cfg, "--zone", root, "--provider", "r53", "--out", t.TempDir())
	if code != 1 || !strings.Contains(errs, "zinc's hidden policy trees (web)") || !strings.Contains(errs, "signpost import zinc") {
		t.Fatalf("dump of a zinc-managed zone: exit %d, stderr %q", code, errs)
	}
}
