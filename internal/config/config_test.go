package config_test

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/signpost-dns/signpost/internal/config"
)

func TestParseDefaults(t *testing.T) {
	c, err := config.Parse("/etc/signpost/signpost.yaml", nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.DNS.Listen[0] != "127.0.0.1:1053" || c.HTTP.Listen != "127.0.0.1:8053" || c.DNS.MaxUDPSize != 1232 {
		t.Errorf("defaults: %+v", c)
	}
	if c.Zones.Directory != filepath.Join("/etc/signpost", "zones") {
		t.Errorf("zones directory %q is not relative to the config file", c.Zones.Directory)
	}
	if c.GeoIP.Database != "" {
		t.Errorf("geoip database %q, want embedded default", c.GeoIP.Database)
	}
	h := c.Healthcheck
	if time.Duration(h.Interval) != 10*time.Second || time.Duration(h.Timeout) != 2*time.Second || h.Failures != 3 || h.Successes != 2 {
		t.Errorf("healthcheck defaults: %+v", h)
	}
}

func TestParse(t *testing.T) {
	src := `
dns:
  listen: ["127.0.0.1:5300", "[::1]:5300"]
geoip:
  database: GeoLite2-City.mmdb
zones:
  directory: /srv/zones
  soa:
    refresh: 2h
    negative_ttl: 60
  overrides:
    example.com.:
      soa: {retry: 5m, email: ops.example.com.}
log: {format: json, level: debug}
`
	c, err := config.Parse("conf/signpost.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.DNS.Listen) != 2 || c.Zones.Directory != "/srv/zones" || c.GeoIP.Database != filepath.Join("conf", "GeoLite2-City.mmdb") {
		t.Errorf("parsed %+v", c)
	}
	soa := c.SOAFor("example.com.")
	if time.Duration(soa.Refresh) != 2*time.Hour || soa.NegativeTTL.Seconds() != 60 || time.Duration(soa.Retry) != 5*time.Minute || soa.Email != "ops.example.com." {
		t.Errorf("SOAFor = %+v", soa)
	}
	if other := c.SOAFor("other.com."); other.Retry != 0 || other.Email != "" {
		t.Errorf("override leaked: %+v", other)
	}
}

func TestTargets(t *testing.T) {
	src := "providers:\n  r53: {type: route53, endpoint: 'http://127.0.0.1:5055'}\n  other: {type: route53}\nzones:\n  targets: [r53]\n  overrides:\n    b.com.: {targets: [other]}\n    c.com.: {targets: []}\n"
	c, err := config.Parse("c.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	for zone, want := range map[string]string{"a.com.": "r53", "b.com.": "other", "c.com.": ""} {
		if got := strings.Join(c.TargetsFor(zone), ","); got != want {
			t.Errorf("TargetsFor(%s) = %q, want %q", zone, got, want)
		}
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct{ name, src, want string }{
		{"unknown key", "dns:\n  listne: []\n", "c.yaml: unmarshal errors:\n  line 2: field listne not found"},
		{"unknown top key", "zone: {}\n", "line 1: field zone not found"},
		{"bad duration", "zones:\n  soa:\n    refresh: soon\n", `line 3: invalid duration "soon"`},
		{"bad log format", "log: {format: xml}\n", `log.format: "xml" is not text or json`},
		{"no listeners", "dns: {listen: []}\n", "dns.listen: at least one address is required"},
		{"udp size", "dns: {max_udp_size: 100}\n", "dns.max_udp_size: 100 is outside 512..65535"},
		{"timeout not below interval", "healthcheck: {interval: 1s, timeout: 1s}\n", "healthcheck.timeout: 1s must be above 0 and below the interval 1s"},
		{"webhook url", "notify:\n  webhooks:\n    - url: ftp://x\n", `notify.webhooks[0].url: "ftp://x" is not an http(s) URL`},
		{"webhook events", "notify:\n  webhooks:\n    - url: http://127.0.0.1:1/\n      events: [sideways]\n", `notify.webhooks[0].events: "sideways" is not up or down`},
		{"email incomplete", "notify:\n  email: {smtp: '127.0.0.1:25'}\n", "notify.email: smtp, from and to are required"},
		{"provider type", "providers:\n  x: {type: azure}\n", `providers.x.type: "azure" is not a known provider type (route53, rfc2136)`},
		{"rfc2136 server", "providers:\n  x: {type: rfc2136, server: nowhere}\n", `providers.x.server: "nowhere" is not host:port`},
		{"unknown target", "zones: {targets: [r53]}\n", `zones.targets: target "r53" is not a provider under providers`},
		{"override without dot", "zones: {overrides: {example.com: {}}}\n", `zone "example.com" must end with a dot`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := config.Parse("c.yaml", []byte(tc.src))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want it to contain %q", err, tc.want)
			}
		})
	}
}
