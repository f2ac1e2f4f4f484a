package engine_test

import (
	"cmp"
	"math"
	"math/rand/v2"
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/miekg/dns"

	"github.com/signpost-dns/signpost/internal/engine"
	"github.com/signpost-dns/signpost/internal/geo"
	"github.com/signpost-dns/signpost/internal/model"
)

// pointLocator places Berlin (with coordinates, network /24), Sydney
// (/24) and a Japanese network without coordinates.
var pointLocator = fakeLocator{
	netip.MustParsePrefix("198.51.100.0/24"): {Continent: "EU", Country: "DE", Point: &model.Point{Latitude: 52.52, Longitude: 13.40}},
	netip.MustParsePrefix("203.0.113.0/24"):  {Continent: "OC", Country: "AU", Point: &model.Point{Latitude: -33.87, Longitude: 151.21}},
	netip.MustParsePrefix("100.64.0.0/16"):   {Continent: "AS", Country: "JP"},
}

func ipSet(enabled map[string]bool) map[netip.Addr]*model.IP {
	out := map[netip.Addr]*model.IP{}
	for a, on := range enabled {
		addr := netip.MustParseAddr(a)
		out[addr] = &model.IP{Address: addr, Enabled: on}
	}
	return out
}

func member(ip, region string, weight int) model.Member {
	return model.Member{IP: netip.MustParseAddr(ip), Region: region, Weight: weight, Enabled: true}
}

// policyTable compiles zone example.net. with "www" (A) and "www" (AAAA)
// pointing at p.
func policyTable(t *testing.T, p *model.Policy, ips map[netip.Addr]*model.IP) *engine.Table {
	t.Helper()
	z := &model.Zone{Name: "example.net."}
	check := model.Healthcheck{Protocol: "TCP", Port: 80}
	for _, typ := range []model.RRType{"A", "AAAA"} {
		if rec, ok := model.PolicyRecord(z.Name, "www", typ, p, ips, model.NewRegions(), check); ok {
			z.Records = append(z.Records, rec)
		}
	}
	table, probs := engine.Compile([]*model.Zone{z}, engine.Options{Locator: pointLocator})
	if len(probs.Errors()) > 0 {
		t.Fatal(probs)
	}
	return table
}

// steerCase is one question and the answer it must get.
type steerCase struct {
	name   string
	qname  string // default www.example.net.
	client string
	bits   int
	qtype  uint16
	down   []string
	rnd    []int
	want   []string
	pool   string
	scope  int
	trace  string
}

func runSteerCases(t *testing.T, table *engine.Table, cases []steerCase) {
	t.Helper()
	var resp engine.Response
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			q := &engine.Query{Name: cmp.Or(tc.qname, "www.example.net."), Type: dns.TypeA, SourceBits: tc.bits}
			if tc.qtype != 0 {
				q.Type = tc.qtype
			}
			if tc.client != "" {
				q.Client = netip.MustParseAddr(tc.client)
			}
			h := health{t: table, down: map[string]bool{}}
			for _, d := range tc.down {
				h.down[d] = true
			}
			rnd := tc.rnd
			if rnd == nil {
				rnd = []int{0}
			}
			tr := &engine.Trace{}
			table.Answer(q, h, &seqRand{vals: rnd}, &resp, tr)
			if got := values(&resp); !slices.Equal(got, tc.want) {
				t.Errorf("values %v, want %v\n%s", got, tc.want, strings.Join(tr.Lines, "\n"))
			}
			if resp.Pool != tc.pool {
				t.Errorf("pool %q, want %q", resp.Pool, tc.pool)
			}
			if tc.bits > 0 && min(resp.ScopeBits, tc.bits) != tc.scope {
				t.Errorf("scope %d, want %d", min(resp.ScopeBits, tc.bits), tc.scope)
			}
			if tc.trace != "" && !slices.Contains(tr.Lines, tc.trace) {
				t.Errorf("trace lacks %q:\n%s", tc.trace, strings.Join(tr.Lines, "\n"))
			}
		})
	}
}

func TestWeightedPolicy(t *testing.T) {
	ips := ipSet(map[string]bool{"192.0.2.1": true, "192.0.2.2": true, "192.0.2.3": true, "192.0.2.4": false, "2001:db8::1": true})
	p := &model.Policy{Name: "web", Routing: model.RoutingWeighted, TTL: 30, Members: []model.Member{
		member("192.0.2.1", "us-east-1", 10), member("192.0.2.2", "eu-west-1", 30), member("192.0.2.3", "eu-west-1", 0),
		member("192.0.2.4", "us-east-1", 50), member("2001:db8::1", "us-east-1", 10),
	}}
	table := policyTable(t, p, ips)
	runSteerCases(t, table, []steerCase{
		{name: "by weight: 0..9 is the first", rnd: []int{9}, want: []string{"192.0.2.1"}, pool: "web"},
		{name: "by weight: 10..39 the second", rnd: []int{10}, want: []string{"192.0.2.2"}, pool: "web"},
		{name: "weight 0 waits while heavier ones serve", down: []string{"192.0.2.1"}, rnd: []int{0}, want: []string{"192.0.2.2"}, pool: "web"},
		{name: "weight 0 serves when nothing heavier can", down: []string{"192.0.2.1", "192.0.2.2"}, want: []string{"192.0.2.3"}, pool: "web"},
		{name: "never dark: all down answers as if healthy", down: []string{"192.0.2.1", "192.0.2.2", "192.0.2.3"}, rnd: []int{35},
			want: []string{"192.0.2.2"}, pool: "web", trace: "no value is healthy: answering as if every value were (Route53's rule)"},
		{name: "AAAA takes the v6 members", qtype: dns.TypeAAAA, want: []string{"2001:db8::1"}, pool: "web"},
		{name: "the client does not matter: scope 0", client: "198.51.100.0", bits: 24, rnd: []int{0}, want: []string{"192.0.2.1"}, pool: "web", scope: 0},
	})
	for _, tg := range table.Targets() {
		if tg.Address == "192.0.2.4" {
			t.Error("a disabled IP is a health target")
		}
	}
}

func TestLatencyPolicy(t *testing.T) {
	ips := ipSet(map[string]bool{"192.0.2.1": true, "192.0.2.2": true, "192.0.2.3": true, "192.0.2.4": true})
	p := &model.Policy{Name: "web", Routing: model.RoutingLatency, TTL: 30, Members: []model.Member{
		member("192.0.2.1", "eu-central-1", 10), member("192.0.2.2", "eu-central-1", 10),
		member("192.0.2.3", "us-west-1", 10), member("192.0.2.4", "ap-southeast-2", 10),
	}}
	table := policyTable(t, p, ips)
	runSteerCases(t, table, []steerCase{
		{name: "Berlin goes to Frankfurt", client: "198.51.100.7", rnd: []int{10}, want: []string{"192.0.2.2"}, pool: "eu-central-1", trace: "region eu-central-1 at 423 km"},
		{name: "Sydney goes to Sydney", client: "203.0.113.7", want: []string{"192.0.2.4"}, pool: "ap-southeast-2"},
		{name: "Frankfurt down: Berlin goes to the next nearest", client: "198.51.100.7", down: []string{"192.0.2.1", "192.0.2.2"}, want: []string{"192.0.2.3"}, pool: "us-west-1",
			trace: "region ap-southeast-2 at 16095 km"}, // every region's distance is explained
		{name: "no coordinates: regions in name order", client: "100.64.3.3", want: []string{"192.0.2.4"}, pool: "ap-southeast-2",
			trace: "client's coordinates unknown: regions in name order"},
		{name: "no client: regions in name order", want: []string{"192.0.2.4"}, pool: "ap-southeast-2"},
		{name: "ECS scope is the location's network", client: "198.51.100.0", bits: 24, want: []string{"192.0.2.1"}, pool: "eu-central-1", scope: 24},
		{name: "never dark: every region down answers the nearest as if healthy", client: "203.0.113.7",
			down: []string{"192.0.2.1", "192.0.2.2", "192.0.2.3", "192.0.2.4"}, want: []string{"192.0.2.4"}, pool: "ap-southeast-2"},
		{name: "no IPv6 member: no AAAA data", qtype: dns.TypeAAAA, want: nil, pool: ""},
	})
}

// TestPolicyWeightsStatistically checks a 1:3 split within five standard
// deviations, with a real random source.
func TestPolicyWeightsStatistically(t *testing.T) {
	ips := ipSet(map[string]bool{"192.0.2.1": true, "192.0.2.2": true})
	p := &model.Policy{Name: "web", Routing: model.RoutingWeighted, TTL: 30, Members: []model.Member{member("192.0.2.1", "us-east-1", 50), member("192.0.2.2", "us-east-1", 150)}}
	table := policyTable(t, p, ips)
	rnd := rand.New(rand.NewPCG(3, 4))
	const n = 40000
	first := 0
	var resp engine.Response
	q := &engine.Query{Name: "www.example.net.", Type: dns.TypeA}
	for range n {
		table.Answer(q, engine.AllUp{}, rnd, &resp, nil)
		if values(&resp)[0] == "192.0.2.1" {
			first++
		}
	}
	sd := math.Sqrt(n * 0.25 * 0.75)
	if math.Abs(float64(first)-n*0.25) > 5*sd {
		t.Errorf("192.0.2.1 drawn %d times of %d, want %v ± %.0f", first, n, n*0.25, 5*sd)
	}
}

func TestPolicyRecordFamilies(t *testing.T) {
	ips := ipSet(map[string]bool{"192.0.2.1": true})
	p := &model.Policy{Name: "web", Routing: model.RoutingLatency, TTL: 30, Members: []model.Member{member("192.0.2.1", "us-east-1", 10)}}
	if _, ok := model.PolicyRecord("example.net.", "@", "AAAA", p, ips, model.NewRegions(), model.Healthcheck{}); ok {
		t.Error("an AAAA policy record of a policy without IPv6 members")
	}
	rec, ok := model.PolicyRecord("example.net.", "@", "A", p, ips, model.NewRegions(), model.Healthcheck{})
	if !ok || rec.Name != "" || rec.TTL != 30 || !rec.Dynamic.NeverDark || rec.Dynamic.Pools[0].Point == nil {
		t.Errorf("record %+v", rec)
	}
}

var _ geo.Locator = pointLocator
