package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/signpost-dns/signpost/internal/server/servertest"
)

// motoConfig writes a workspace whose zone targets the moto emulator and
// returns the config path and the zone's name, which no other test uses
// (packages share the emulator at the same time). It skips without
// SIGNPOST_ROUTE53_ENDPOINT (CI sets it).
func motoConfig(t *testing.T, zone string) (string, string) {
	t.Helper()
	ep := os.Getenv("SIGNPOST_ROUTE53_ENDPOINT")
	if ep == "" {
		t.Skip("SIGNPOST_ROUTE53_ENDPOINT is not set: run scripts/start-moto.sh (CI does)")
	}
	t.Setenv("TEST_AWS_KEY", "test")
	cfg := servertest.Workspace(t, zone, fmt.Sprintf("zones:\n  targets: [r53]\nproviders:\n  r53:\n    type: route53\n    access_key_id: env/TEST_AWS_KEY\n    secret_access_key: env/TEST_AWS_KEY\n    endpoint: %s\n", ep))
	name := fmt.Sprintf("t%d.example.com.", time.Now().UnixNano())
	zones := filepath.Join(filepath.Dir(cfg), "zones")
	if err := os.Rename(filepath.Join(zones, "example.com.yaml"), filepath.Join(zones, name+"yaml")); err != nil {
		t.Fatal(err)
	}
	return cfg, name
}

const r53Zone = servertest.Apex + `www:
  type: A
  ttl: 60
  values: [192.0.2.9]
  dynamic:
    pools:
      eu:
        fallback: us
        values: [{value: 192.0.2.1}, {value: 192.0.2.2, weight: 3}]
      us:
        values: [{value: 192.0.2.3}]
    rules:
      - geos: [EU]
        pool: eu
      - pool: us
`

func TestPlanApplyDumpWithEmulator(t *testing.T) {
	cfg, name := motoConfig(t, r53Zone)
	dir := filepath.Dir(cfg)

	code, out, errs := runCmd("plan", "--config", cfg, "--detailed-exitcode", "-v", "--out", filepath.Join(dir, "plan.json"))
	if code != 2 {
		t.Fatalf("plan exit %d, want 2 (changes)\n%s%s", code, out, errs)
	}
	for _, want := range []string{name + " -> r53", "* create hosted zone", "+ create www." + name + " A (10 native changes)",
		"CREATE _octodns-eu-value.www." + name + " A [eu-001] 60 192.0.2.2 weight=3", "* create health check HTTPS 192.0.2.1 www." + strings.TrimSuffix(name, ".") + ":443/_dns",
		"Summary: " + name + " -> r53: Creates=3, Updates=0, Deletes=0, Existing=0, Steps=4"} {
		if !strings.Contains(out, want) {
			t.Errorf("plan output lacks %q:\n%s", want, out)
		}
	}

	if code, out, errs := runCmd("apply", "--config", cfg, "--plan", filepath.Join(dir, "plan.json")); code != 0 {
		t.Fatalf("apply exit %d\n%s%s", code, out, errs)
	}
	if code, out, _ := runCmd("plan", "--config", cfg, "--detailed-exitcode"); code != 0 || !strings.Contains(out, "Creates=0, Updates=0, Deletes=0") {
		t.Fatalf("second plan exit %d, want 0 with no changes:\n%s", code, out)
	}
	// The saved plan is stale now: reality moved.
	if code, _, errs := runCmd("apply", "--config", cfg, "--plan", filepath.Join(dir, "plan.json")); code != 1 || !strings.Contains(errs, "changed since the plan was made") {
		t.Fatalf("stale plan: exit %d, stderr %q", code, errs)
	}

	dumpDir := filepath.Join(dir, "dumped")
	if code, out, errs := runCmd("dump", "--config", cfg, "--zone", name, "--provider", "r53", "--out", dumpDir); code != 0 {
		t.Fatalf("dump exit %d\n%s%s", code, out, errs)
	}
	b, err := os.ReadFile(filepath.Join(dumpDir, name+"yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"fallback: us", "- EU", "weight: 3"} {
		if !strings.Contains(string(b), want) {
			t.Errorf("dump lacks %q:\n%s", want, b)
		}
	}
}

func TestValidateChecksTargets(t *testing.T) {
	cfg, name := motoConfig(t, r53Zone+"  octodns:\n    healthcheck: {protocol: ICMP}\n")
	code, _, errs := runCmd("validate", "--config", cfg)
	want := filepath.Join(filepath.Dir(cfg), "zones", name+"yaml") + `:6: www.` + name + ` A: target r53: healthcheck protocol "ICMP" not supported`
	if code != 1 || !strings.Contains(errs, want) {
		t.Fatalf("exit %d, stderr:\n%s\nwant %s", code, errs, want)
	}
}

func TestApplyRefusesUnsafeWithoutForce(t *testing.T) {
	var zone strings.Builder
	zone.WriteString(servertest.Apex)
	for i := range 10 {
		fmt.Fprintf(&zone, "h%d:\n  type: A\n  value: 192.0.2.%d\n", i, i+1)
	}
	cfg, name := motoConfig(t, zone.String())
	if code, out, errs := runCmd("apply", "--config", cfg); code != 0 {
		t.Fatalf("first apply exit %d\n%s%s", code, out, errs)
	}
	zonePath := filepath.Join(filepath.Dir(cfg), "zones", name+"yaml")
	servertest.WriteFile(t, zonePath, servertest.Apex+"h0:\n  type: A\n  value: 192.0.2.1\n")
	code, _, errs := runCmd("apply", "--config", cfg)
	if code != 1 || !strings.Contains(errs, "["+name+"] Too many deletes, 75.00% is over 30.00% (9/12), force required") {
		t.Fatalf("unsafe apply: exit %d, stderr %q", code, errs)
	}
	if code, out, errs := runCmd("apply", "--config", cfg, "--force"); code != 0 || !strings.Contains(out, "applied 0 creates, 0 updates, 9 deletes, 0 steps") {
		t.Fatalf("forced apply: exit %d\n%s%s", code, out, errs)
	}
}
