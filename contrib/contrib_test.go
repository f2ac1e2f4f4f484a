// Package contrib_test checks what contrib/ ships against a running node:
// a real Prometheus (Debian's) scrapes a signpost node on loopback, loads
// contrib/prometheus/alerts.yaml, and is asked for every series and label
// that the alert rules and the Grafana dashboard use.
package contrib_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/signpost-dns/signpost/internal/provider/route53"
	"github.com/signpost-dns/signpost/internal/provider/route53/r53fake"
	"github.com/signpost-dns/signpost/internal/server"
	"github.com/signpost-dns/signpost/internal/server/servertest"
)

// PrometheusEnv names the prometheus binary; scripts/test.sh installs
// Debian's and sets it.
const PrometheusEnv = "SIGNPOST_TEST_PROMETHEUS"

// notExercised are series the node in this test cannot produce: the
// agent's (a separate command) and drift (a store zone changed behind
// signpost's back at its provider, covered by internal/reconcile's tests).
var notExercised = []string{"signpost_agent_peer_up", "signpost_reconcile_drift_total"}

func TestPrometheusScrapesRealSeries(t *testing.T) {
	bin := os.Getenv(PrometheusEnv)
	if bin == "" {
		t.Skipf("%s is not set: scripts/test.sh installs Prometheus and sets it", PrometheusEnv)
	}
	httpAddr := startNode(t)
	prom := startPrometheus(t, bin, httpAddr)

	exprs := ruleExprs(t)
	exprs = append(exprs, dashboardExprs(t)...)
	for deadline := time.Now().Add(90 * time.Second); ; time.Sleep(time.Second) {
		m := missing(t, prom, exprs)
		if len(m) == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no series for:\n%s", strings.Join(m, "\n"))
		}
	}
	for _, e := range exprs {
		checkLabels(t, prom, e)
	}
	checkRuleHealth(t, prom)
}

type expr struct{ where, text string }

// startNode runs a node whose every metric has something to count: a
// record whose backends are all down (backup answers, transitions), a zone
// pushed to Route53 (the in-process fake that enforces AWS's rules, so as
// not to load the emulator the other packages share: applied runs,
// changes, API calls) and to an RFC 2136 primary that is not there (failed
// runs), and a reload of a broken zone file (the failed-reload gauge).
func startNode(t *testing.T) string {
	flags, port := servertest.Backends(t, "127.0.0.2", "127.0.0.3")
	for _, f := range flags {
		f.Store(false)
	}
	dead, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	deadAddr := dead.Addr().String()
	dead.Close()
	t.Setenv("TEST_AWS_KEY", "test")
	zone := fmt.Sprintf("t%d.example.com.", time.Now().UnixNano())
	cfg := servertest.Workspace(t, servertest.Apex+fmt.Sprintf(`www:
  type: A
  values: [127.0.0.9]
  octodns:
    healthcheck: {protocol: HTTP, port: %s, path: /}
  dynamic:
    pools:
      web: {values: [{value: 127.0.0.2}, {value: 127.0.0.3}]}
    rules: [{pool: web}]
`, port), fmt.Sprintf(`healthcheck: {interval: 200ms, timeout: 100ms, failures: 1, successes: 1}
zones:
  targets: [r53, dead]
providers:
  r53: {type: route53, access_key_id: env/TEST_AWS_KEY, secret_access_key: env/TEST_AWS_KEY}
  dead: {type: rfc2136, server: %q, timeout: 200ms}
reconcile: {interval: 1s}
store: {url: none}
`, deadAddr))
	zp := filepath.Join(filepath.Dir(cfg), "zones", zone+"yaml")
	if err := os.Rename(servertest.ZonePath(cfg), zp); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	st, err := server.Load(ctx, cfg, nil)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	srv, err := server.New(server.Options{Route53API: map[string]route53.API{"r53": r53fake.New()}}, st)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done; _ = srv.State().Close() })

	dnsAddr := srv.DNSAddrs()[0].String()
	servertest.WaitFor(t, 10*time.Second, "backup answers", func() bool {
		return slices.Equal(servertest.QueryA(dnsAddr, "www."+zone), []string{"127.0.0.9"})
	})
	servertest.QueryA(dnsAddr, "nx."+zone)
	src, _ := os.ReadFile(zp)
	servertest.WriteFile(t, zp, string(src)+"broken: {type: A, value: not-an-ip}\n")
	if err := srv.Reload(ctx, "test"); err == nil {
		t.Fatal("a broken zone reloaded")
	}
	servertest.WriteFile(t, zp, string(src))
	// Keep queries coming for rate() and the latency histogram.
	qctx, stop := context.WithCancel(ctx)
	t.Cleanup(stop)
	go func() {
		for qctx.Err() == nil {
			servertest.QueryA(dnsAddr, "www."+zone)
			time.Sleep(20 * time.Millisecond)
		}
	}()
	return srv.HTTPAddr()
}

func startPrometheus(t *testing.T, bin, target string) string {
	dir := t.TempDir()
	rules, err := filepath.Abs("prometheus/alerts.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cfg := fmt.Sprintf(`global: {scrape_interval: 1s, evaluation_interval: 1s}
rule_files: [%q]
scrape_configs:
  - job_name: signpost
    static_configs: [{targets: [%q]}]
`, rules, target)
	servertest.WriteFile(t, filepath.Join(dir, "prometheus.yml"), cfg)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	log := &servertest.SyncBuffer{}
	cmd := exec.Command(bin, "--config.file="+filepath.Join(dir, "prometheus.yml"), "--storage.tsdb.path="+filepath.Join(dir, "data"),
		"--web.listen-address="+addr)
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	base := "http://" + addr
	servertest.WaitFor(t, 30*time.Second, "prometheus ready", func() bool {
		code, _ := servertest.HTTPGet(base + "/-/ready")
		return code == 200
	})
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("prometheus log:\n%s", log)
		}
	})
	return base
}

func ruleExprs(t *testing.T) []expr {
	var f struct {
		Groups []struct {
			Rules []struct {
				Alert, Expr string
				Annotations map[string]string
			}
		}
	}
	src, err := os.ReadFile("prometheus/alerts.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(src, &f); err != nil {
		t.Fatal(err)
	}
	var out []expr
	for _, g := range f.Groups {
		for _, r := range g.Rules {
			text := r.Expr
			for _, a := range r.Annotations {
				text += "\n" + a
			}
			out = append(out, expr{"alert " + r.Alert, text})
		}
	}
	return out
}

func dashboardExprs(t *testing.T) []expr {
	var d struct {
		Panels []struct {
			Title   string
			Targets []struct{ Expr, LegendFormat string }
		}
	}
	src, err := os.ReadFile("grafana/signpost.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(src, &d); err != nil {
		t.Fatal(err)
	}
	var out []expr
	for _, p := range d.Panels {
		for _, tg := range p.Targets {
			e := strings.NewReplacer(`"$instance"`, `".*"`, "$__rate_interval", "1m").Replace(tg.Expr)
			out = append(out, expr{"panel " + p.Title, e + "\n" + tg.LegendFormat})
		}
	}
	return out
}

var selectorRE = regexp.MustCompile(`\b(signpost_[a-z_]+|up|process_[a-z_]+|go_[a-z_]+)(\{[^}]*\})?`)

// missing returns the metrics of exprs that have no series yet. (Label
// values such as rcode="SERVFAIL" need not have happened; their label
// names are checked by checkLabels.)
func missing(t *testing.T, prom string, exprs []expr) []string {
	var out []string
	for _, e := range exprs {
		for _, m := range selectorRE.FindAllStringSubmatch(e.text, -1) {
			if slices.Contains(notExercised, m[1]) {
				continue
			}
			if len(query(t, prom, m[1])) == 0 {
				out = append(out, e.where+": "+m[1])
			}
		}
	}
	return out
}

// labelListRE finds the label names an expression relies on: grouping
// clauses, label matchers, and labels printed by annotations and legends.
var labelListRE = regexp.MustCompile(`\b(?:by|without)\s*\(([^)]*)\)|\$labels\.([a-z_]+)|\{\{\s*([a-z_]+)\s*\}\}|[{,]\s*([a-z_]+)\s*(?:=~|!=|!~|=)`)

// checkLabels fails t for a label an expression groups by, or its text
// prints, that no series of the expression's metrics carries.
func checkLabels(t *testing.T, prom string, e expr) {
	have := map[string]bool{"instance": true, "job": true}
	metrics := 0
	for _, m := range selectorRE.FindAllStringSubmatch(e.text, -1) {
		if slices.Contains(notExercised, m[1]) {
			return
		}
		metrics++
		for _, s := range query(t, prom, m[1]) {
			for k := range s {
				have[k] = true
			}
		}
	}
	if metrics == 0 {
		t.Errorf("%s: no signpost series in %q", e.where, e.text)
	}
	for _, m := range labelListRE.FindAllStringSubmatch(e.text, -1) {
		names := strings.Split(m[1]+m[2]+m[3]+m[4], ",")
		for _, n := range names {
			if n = strings.TrimSpace(n); n != "" && !have[n] {
				t.Errorf("%s: label %q is on none of its series", e.where, n)
			}
		}
	}
}

// query runs an instant query and returns the result's label sets.
func query(t *testing.T, prom, q string) []map[string]string {
	resp, err := http.Get(prom + "/api/v1/query?query=" + url.QueryEscape(q))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var r struct {
		Status, Error string
		Data          struct {
			Result []struct {
				Metric map[string]string
			}
		}
	}
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil || r.Status != "success" {
		t.Fatalf("query %s: %v %s", q, err, r.Error)
	}
	out := make([]map[string]string, len(r.Data.Result))
	for i, s := range r.Data.Result {
		out[i] = s.Metric
	}
	return out
}

// checkRuleHealth fails t unless Prometheus evaluated every rule without
// an error.
func checkRuleHealth(t *testing.T, prom string) {
	servertest.WaitFor(t, 10*time.Second, "every rule evaluated", func() bool {
		var r struct {
			Data struct {
				Groups []struct {
					Rules []struct {
						Name, Health, LastError string
					}
				}
			}
		}
		code, body := servertest.HTTPGet(prom + "/api/v1/rules")
		if code != 200 || json.Unmarshal([]byte(body), &r) != nil || len(r.Data.Groups) == 0 {
			return false
		}
		for _, g := range r.Data.Groups {
			for _, rule := range g.Rules {
				if rule.Health != "ok" {
					if rule.LastError != "" {
						t.Errorf("rule %s: %s", rule.Name, rule.LastError)
					}
					return false
				}
			}
		}
		return true
	})
}
