package rfc2136test

import (
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	_ "modernc.org/sqlite" // the gsqlite3 backend's database
)

// pdnsSchema is Debian's schema of the gsqlite3 backend.
const pdnsSchema = "/usr/share/doc/pdns-backend-sqlite3/schema.sqlite3.sql"

// StartPowerDNS runs pdns_server with the gsqlite3 backend on 127.0.0.53
// and a random high port, taking updates (dnsupdate=yes) for the key.
func StartPowerDNS(t testing.TB, zone string) *Server {
	dir := t.TempDir()
	key, reader := newKey("signpost-key."), newKey("reader.")
	schema, err := os.ReadFile(pdnsSchema)
	if err != nil {
		t.Fatalf("powerdns: %v (install pdns-backend-sqlite3)", err)
	}
	db, err := sql.Open("sqlite", filepath.Join(dir, "pdns.sqlite3"))
	if err != nil {
		t.Fatal(err)
	}
	name := strings.TrimSuffix(zone, ".")
	stmts := []string{string(schema),
		fmt.Sprintf(`INSERT INTO domains (id, name, type) VALUES (1, '%s', 'NATIVE')`, name),
		fmt.Sprintf(`INSERT INTO records (domain_id, name, type, content, ttl) VALUES (1, '%[1]s', 'SOA', 'ns1.%[1]s. hostmaster.%[1]s. 1 3600 600 86400 300', 300)`, name),
		fmt.Sprintf(`INSERT INTO records (domain_id, name, type, content, ttl) VALUES (1, '%s', 'NS', 'ns1.signpost.invalid.', 300)`, name),
	}
	for _, k := range []struct {
		key    string
		secret string
		update bool
	}{{key.Name, key.Secret, true}, {reader.Name, reader.Secret, false}} {
		n := strings.TrimSuffix(k.key, ".")
		stmts = append(stmts, fmt.Sprintf(`INSERT INTO tsigkeys (name, algorithm, secret) VALUES ('%s', 'hmac-sha256', '%s')`, n, k.secret),
			fmt.Sprintf(`INSERT INTO domainmetadata (domain_id, kind, content) VALUES (1, 'TSIG-ALLOW-AXFR', '%s')`, n))
		if k.update {
			stmts = append(stmts, fmt.Sprintf(`INSERT INTO domainmetadata (domain_id, kind, content) VALUES (1, 'TSIG-ALLOW-DNSUPDATE', '%s')`, n))
		}
	}
	for _, s := range stmts {
		if _, err := db.Exec(s); err != nil {
			t.Fatalf("powerdns database: %v", err)
		}
	}
	db.Close()
	return start(t, "powerdns", "127.0.0.53", zone, key, reader, func(port int) *exec.Cmd {
		write(t, filepath.Join(dir, "pdns.conf"), fmt.Sprintf(`launch=gsqlite3
gsqlite3-database=%[1]s/pdns.sqlite3
local-address=127.0.0.53
local-port=%[2]d
socket-dir=%[1]s
dnsupdate=yes
allow-dnsupdate-from=127.0.0.0/8
disable-axfr=no
allow-axfr-ips=127.0.0.0/8
webserver=no
api=no
`, dir, port))
		return exec.Command("pdns_server", "--config-dir="+dir, "--daemon=no", "--guardian=no", "--disable-syslog", "--write-pid=no")
	})
}
