package route53_test

import (
	"encoding/json"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/signpost-dns/signpost/internal/model"
	"github.com/signpost-dns/signpost/internal/provider/route53"
)

func TestZincCheckConfig(t *testing.T) {
	ip := netip.MustParseAddr("192.0.2.1")
	tests := []struct {
		name    string
		hc      model.Healthcheck
		want    string // the config as JSON
		warning string
		err     string
	}{
		{"zinc's default", model.Healthcheck{Protocol: "HTTP", Port: 80, Path: "/status", Host: "node.presslabs.net"},
			`{"FullyQualifiedDomainName":"node.presslabs.net","IPAddress":"192.0.2.1","Port":80,"ResourcePath":"/status","Type":"HTTP"}`, "", ""},
		{"HTTPS with SNI, a body match, fast interval, threshold clamped", model.Healthcheck{Protocol: "HTTPS", Host: "www.example.com", Path: "/health",
			ExpectBody: "ok", Interval: 5 * time.Second, Failures: 20},
			`{"EnableSNI":true,"FailureThreshold":10,"FullyQualifiedDomainName":"www.example.com","IPAddress":"192.0.2.1","Port":443,"RequestInterval":10,"ResourcePath":"/health","SearchString":"ok","Type":"HTTPS_STR_MATCH"}`, "", ""},
		{"TCP, slow interval", model.Healthcheck{Protocol: "TCP", Port: 22, Interval: time.Minute, Failures: 2},
			`{"FailureThreshold":2,"IPAddress":"192.0.2.1","Port":22,"RequestInterval":30,"Type":"TCP"}`, "", ""},
		{"expected statuses cannot be sent", model.Healthcheck{Protocol: "HTTP", Port: 8080, ExpectStatus: []model.StatusRange{{Lo: 200, Hi: 200}}},
			`{"IPAddress":"192.0.2.1","Port":8080,"ResourcePath":"/","Type":"HTTP"}`, "expect_status is not sent", ""},
		{"ICMP", model.Healthcheck{Protocol: "ICMP"}, "", "", "not ICMP"},
		{"TCP without a port", model.Healthcheck{Protocol: "TCP"}, "", "", "needs a port"},
		{"a long body match", model.Healthcheck{Protocol: "HTTP", ExpectBody: strings.Repeat("x", 256)}, "", "", "at most 255"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg, warnings, err := route53.ZincCheckConfig(ip, tc.hc)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if b := compact(t, cfg); b != tc.want {
				t.Errorf("config %s\nwant   %s", b, tc.want)
			}
			if got := strings.Join(warnings, "; "); !strings.Contains(got, tc.warning) || (tc.warning == "") != (got == "") {
				t.Errorf("warnings %q, want %q", got, tc.warning)
			}
		})
	}
}

// compact renders v as JSON without its null and empty fields, keys sorted.
func compact(t *testing.T, v any) string {
	t.Helper()
	b, _ := json.Marshal(v)
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	for k, x := range m {
		if x == nil || x == "" {
			delete(m, k)
		}
	}
	out, _ := json.Marshal(m)
	return string(out)
}
