package route53_test

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/signpost-dns/signpost/internal/model"
	"github.com/signpost-dns/signpost/internal/provider/route53"
)

// zincCase builds a zone from members "id ip region weight" per policy.
type zincPolicy struct {
	id, name string
	routing  model.Routing
	ttl      uint32
	members  []string // "id ip region weight"
}

func zincZone(t *testing.T, policies []zincPolicy, records []route53.ZincRecord, checks map[string]string, disabled ...string) route53.ZincZone {
	t.Helper()
	z := route53.ZincZone{Root: "example.com.", Records: records, Policies: map[string]*model.Policy{}, IPs: map[netip.Addr]*model.IP{}, Checks: map[netip.Addr]string{}}
	for _, zp := range policies {
		p := &model.Policy{ID: zp.id, Name: zp.name, Routing: zp.routing, TTL: zp.ttl}
		for _, m := range zp.members {
			var id, ip, region string
			var w int
			if _, err := fmt.Sscanf(m, "%s %s %s %d", &id, &ip, &region, &w); err != nil {
				t.Fatal(err)
			}
			a := netip.MustParseAddr(ip)
			p.Members = append(p.Members, model.Member{ID: id, IP: a, Region: region, Weight: w, Enabled: true})
			z.IPs[a] = &model.IP{Address: a, Enabled: !slices.Contains(disabled, ip)}
		}
		z.Policies[p.ID] = p
	}
	for ip, id := range checks {
		z.Checks[netip.MustParseAddr(ip)] = id
	}
	return z
}

func render(sets []route53.RRSet) []string {
	var out []string
	for _, s := range sets {
		line := s.String()
		if s.Alias != nil {
			line += fmt.Sprintf(" eth=%v", s.Alias.EvaluateHealth)
		}
		out = append(out, line)
	}
	return out
}

var web = zincPolicy{"p-web", "web", model.RoutingLatency, 30, []string{
	"m1 1.1.1.1 us-east-1 10", "m2 1.1.1.2 us-east-1 20", "m3 2.2.2.1 eu-west-1 10", "m4 2.2.2.2 eu-west-1 10"}}

var webChecks = map[string]string{"1.1.1.1": "hc1", "1.1.1.2": "hc2", "2.2.2.1": "hc3", "2.2.2.2": "hc4"}

// TestZincLayout checks zinc's layout against the zinc reference: §2's
// worked example, and the acceptance cases of §6 it numbers.
func TestZincLayout(t *testing.T) {
	www := route53.ZincRecord{Name: "www", Type: "A", Policy: "p-web"}
	apex := route53.ZincRecord{Name: "@", Type: "A", Policy: "p-web"}
	tests := []struct {
		name     string
		zone     route53.ZincZone
		want     []string
		problems []string
	}{
		{"§2 worked example: latency, two regions, www and the apex", zincZone(t, []zincPolicy{web}, []route53.ZincRecord{www, apex}, webChecks), []string{
			"_zn_web_eu-west-1.example.com. A [m3-eu-west-1] 30 2.2.2.1 weight=10 check=hc3",
			"_zn_web_eu-west-1.example.com. A [m4-eu-west-1] 30 2.2.2.2 weight=10 check=hc4",
			"_zn_web_us-east-1.example.com. A [m1-us-east-1] 30 1.1.1.1 weight=10 check=hc1",
			"_zn_web_us-east-1.example.com. A [m2-us-east-1] 30 1.1.1.2 weight=20 check=hc2",
			"_zn_web.example.com. A [eu-west-1] alias _zn_web_eu-west-1.example.com. region=eu-west-1 eth=true",
			"_zn_web.example.com. A [us-east-1] alias _zn_web_us-east-1.example.com. region=us-east-1 eth=true",
			"example.com. A alias _zn_web.example.com. eth=false",
			"www.example.com. A alias _zn_web.example.com. eth=false",
		}, nil},
		{"the same members weighted: leaves named _zn_web, SetIds unchanged", zincZone(t, []zincPolicy{{"p-web", "web", model.RoutingWeighted, 30, web.members}}, []route53.ZincRecord{www}, webChecks), []string{
			"_zn_web.example.com. A [m3-eu-west-1] 30 2.2.2.1 weight=10 check=hc3",
			"_zn_web.example.com. A [m4-eu-west-1] 30 2.2.2.2 weight=10 check=hc4",
			"_zn_web.example.com. A [m1-us-east-1] 30 1.1.1.1 weight=10 check=hc1",
			"_zn_web.example.com. A [m2-us-east-1] 30 1.1.1.2 weight=20 check=hc2",
			"www.example.com. A alias _zn_web.example.com. eth=false",
		}, nil},
		{"case 8: a weight-0 member is still a leaf; case 9: no check, no HealthCheckId", zincZone(t, []zincPolicy{{"p-w", "w", model.RoutingWeighted, 30, []string{"m1 1.1.1.1 us-east-1 0"}}},
			[]route53.ZincRecord{{Name: "x", Type: "A", Policy: "p-w"}}, nil), []string{
			"_zn_w.example.com. A [m1-us-east-1] 30 1.1.1.1 weight=0",
			"x.example.com. A alias _zn_w.example.com. eth=false",
		}, nil},
		{"case 15: IPv6 mix, A and AAAA records at one name", zincZone(t, []zincPolicy{{"p-v6", "v6", model.RoutingLatency, 60, []string{
			"a 2001:db8::1 region0 10", "b 2001:db8::2 region0 10", "c 1.1.1.1 region0 10", "d 2001:db8::3 region1 10"}}},
			[]route53.ZincRecord{{Name: "www", Type: "A", Policy: "p-v6"}, {Name: "www", Type: "AAAA", Policy: "p-v6"}}, nil), []string{
			"_zn_v6_region0.example.com. A [c-region0] 60 1.1.1.1 weight=10",
			"_zn_v6_region0.example.com. AAAA [a-region0] 60 2001:db8::1 weight=10",
			"_zn_v6_region0.example.com. AAAA [b-region0] 60 2001:db8::2 weight=10",
			"_zn_v6_region1.example.com. AAAA [d-region1] 60 2001:db8::3 weight=10",
			"_zn_v6.example.com. A [region0] alias _zn_v6_region0.example.com. region=region0 eth=true",
			"_zn_v6.example.com. AAAA [region0] alias _zn_v6_region0.example.com. region=region0 eth=true",
			"_zn_v6.example.com. AAAA [region1] alias _zn_v6_region1.example.com. region=region1 eth=true",
			"www.example.com. A alias _zn_v6.example.com. eth=false",
			"www.example.com. AAAA alias _zn_v6.example.com. eth=false",
		}, nil},
		{"cases 5 and 6: two records share one tree; a second policy has its own", zincZone(t, []zincPolicy{
			{"p-a", "a", model.RoutingWeighted, 30, []string{"m1 1.1.1.1 us-east-1 10"}},
			{"p-b", "b", model.RoutingWeighted, 30, []string{"m2 2.2.2.2 us-east-1 10"}}},
			[]route53.ZincRecord{{Name: "@", Type: "A", Policy: "p-a"}, {Name: "cdn", Type: "A", Policy: "p-a"}, {Name: "api", Type: "A", Policy: "p-b"}}, nil), []string{
			"_zn_a.example.com. A [m1-us-east-1] 30 1.1.1.1 weight=10",
			"_zn_b.example.com. A [m2-us-east-1] 30 2.2.2.2 weight=10",
			"api.example.com. A alias _zn_b.example.com. eth=false",
			"cdn.example.com. A alias _zn_a.example.com. eth=false",
			"example.com. A alias _zn_a.example.com. eth=false",
		}, nil},
		{"case 4: all IPs disabled: the record is refused, the rest of the zone goes", zincZone(t, []zincPolicy{
			{"p-a", "a", model.RoutingWeighted, 30, []string{"m1 1.1.1.1 us-east-1 10"}},
			{"p-b", "b", model.RoutingWeighted, 30, []string{"m2 2.2.2.2 us-east-1 10"}}},
			[]route53.ZincRecord{{Name: "x", Type: "A", Policy: "p-a"}, {Name: "y", Type: "A", Policy: "p-b"}}, nil, "1.1.1.1"), []string{
			"_zn_b.example.com. A [m2-us-east-1] 30 2.2.2.2 weight=10",
			"y.example.com. A alias _zn_b.example.com. eth=false",
		}, []string{"x.example.com. A: Policy a can't be applied: it has no enabled member with an enabled IP"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sets, problems := route53.ZincLayout(tc.zone)
			if got := render(sets); !slices.Equal(got, tc.want) {
				t.Errorf("layout:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
			if !slices.Equal(problems, tc.problems) {
				t.Errorf("problems %q, want %q", problems, tc.problems)
			}
		})
	}
}
