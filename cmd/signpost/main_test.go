package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/signpost-dns/signpost/internal/server/servertest"
)

func runCmd(args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := run(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestVersion(t *testing.T) {
	code, out, _ := runCmd("version")
	if code != 0 || !strings.HasPrefix(out, "signpost ") {
		t.Fatalf("code %d out %q", code, out)
	}
}

func TestUsage(t *testing.T) {
	if code, _, errs := runCmd("bogus"); code != 2 || !strings.Contains(errs, `unknown command "bogus"`) {
		t.Fatalf("code %d stderr %q", code, errs)
	}
	if code, _, errs := runCmd("validate", "--help"); code != 0 || !strings.Contains(errs, "--config") && !strings.Contains(errs, "-config") {
		t.Fatalf("code %d stderr %q", code, errs)
	}
}

// TestValidateQuickstart validates a copy of the quickstart, so that a
// store left beside the example by a walk through the README does not
// count.
func TestValidateQuickstart(t *testing.T) {
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS("../../examples/quickstart")); err != nil {
		t.Fatal(err)
	}
	for _, db := range []string{"signpost.db", "signpost.db-wal", "signpost.db-shm"} {
		_ = os.Remove(filepath.Join(dir, db))
	}
	code, out, errs := runCmd("validate", "--config", filepath.Join(dir, "signpost.yaml"))
	if code != 0 || !strings.Contains(out, "ok: 1 zone(s), 8 record(s), 1 dynamic") {
		t.Fatalf("code %d out %q err %q", code, out, errs)
	}
}

func TestValidateListsEveryProblem(t *testing.T) {
	bad := servertest.ZoneV1 + "bad:\n  type: A\n  values: [1.2.3]\nworse:\n  type: CNAME\n  value: nodot\n"
	cfg := servertest.Workspace(t, bad, "")
	code, _, errs := runCmd("validate", "--config", cfg)
	zone := filepath.Join(filepath.Dir(cfg), "zones", "example.com.yaml")
	for _, want := range []string{
		zone + `:20: bad.example.com. A: invalid IPv4 address "1.2.3"`,
		zone + `:23: worse.example.com. CNAME: CNAME value "nodot" missing trailing .`,
	} {
		if !strings.Contains(errs, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errs)
		}
	}
	if code != 1 {
		t.Errorf("exit code %d, want 1", code)
	}
}

func TestValidateBadConfig(t *testing.T) {
	dir := t.TempDir()
	servertest.WriteFile(t, filepath.Join(dir, "signpost.yaml"), "dns:\n  port: 53\n")
	code, _, errs := runCmd("validate", "--config", filepath.Join(dir, "signpost.yaml"))
	if code != 1 || !strings.Contains(errs, "line 2: field port not found") {
		t.Fatalf("code %d stderr %q", code, errs)
	}
}

func TestQueryExplains(t *testing.T) {
	cfg := servertest.Workspace(t, servertest.ZoneV1, "")
	code, out, errs := runCmd("query", "--config", cfg, "www.example.com", "A", "--subnet", "198.51.100.0/24")
	if code != 0 {
		t.Fatalf("code %d stderr %q", code, errs)
	}
	for _, want := range []string{
		";; client: ECS 198.51.100.0/24",
		";; location: EU-DE (network /24)",
		"rule 1 (EU-DE -> eu) matched: location EU-DE is in EU-DE",
		"pool eu value 127.0.1.2 weight 1 status down: not eligible: status down",
		"pool eu answered 127.0.1.1",
		"ECS scope /24",
		"www.example.com.\t3600\tIN\tA\t127.0.1.1",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestServeRefusesInvalidZones(t *testing.T) {
	cfg := servertest.Workspace(t, "www:\n  type: A\n  value: nope\n", "")
	code, _, errs := runCmd("serve", "--config", cfg)
	if code != 1 || !strings.Contains(errs, `invalid IPv4 address "nope"`) || !strings.Contains(errs, "not starting") {
		t.Fatalf("code %d stderr %q", code, errs)
	}
}

// TestServe runs the serve command on ports the kernel picks, reads the
// bound addresses from its log, queries it, and stops it with its context
// (SIGINT and SIGTERM cancel that context in main).
func TestServe(t *testing.T) {
	cfg := servertest.Workspace(t, servertest.ZoneV1, "")
	dnsAddr, httpAddr, stop := serve(t, cfg)
	if a := servertest.QueryAFromDE(dnsAddr, "www.example.com."); len(a) != 1 || a[0] != "127.0.1.1" {
		t.Errorf("answer %v, want [127.0.1.1]", a)
	}
	if code, body := servertest.HTTPGet("http://" + httpAddr + "/healthz"); code != 200 || body != "ok\n" {
		t.Errorf("/healthz %d %q", code, body)
	}
	stop()
	if a := servertest.QueryAFromDE(dnsAddr, "www.example.com."); a != nil {
		t.Errorf("still answering after shutdown: %v", a)
	}
}

// serve runs the serve command on cfg until stop, which requires exit
// code 0, and returns the DNS and HTTP addresses it logged.
func serve(t *testing.T, cfg string) (dnsAddr, httpAddr string, stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var stderr servertest.SyncBuffer
	done := make(chan int, 1)
	go func() { done <- run(ctx, []string{"serve", "--config", cfg}, io.Discard, &stderr) }()
	servertest.WaitFor(t, 10*time.Second, "the listeners in the log", func() bool {
		dnsAddr, httpAddr = logged(stderr.String(), "dns listening"), logged(stderr.String(), "http listening")
		return dnsAddr != "" && httpAddr != ""
	})
	stop = func() {
		t.Helper()
		cancel()
		select {
		case code := <-done:
			if code != 0 {
				t.Errorf("serve exited %d:\n%s", code, stderr.String())
			}
		case <-time.After(10 * time.Second):
			t.Fatal("serve did not stop")
		}
	}
	return dnsAddr, httpAddr, stop
}

// logged returns the addr= of the first log line with msg, or "".
func logged(log, msg string) string {
	for _, line := range strings.Split(log, "\n") {
		if strings.Contains(line, `msg="`+msg+`"`) {
			if _, rest, ok := strings.Cut(line, " addr="); ok {
				addr, _, _ := strings.Cut(rest, " ")
				return addr
			}
		}
	}
	return ""
}
