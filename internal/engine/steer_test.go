package engine_test

import (
	"math"
	"math/rand/v2"
	"net/netip"
	"slices"
	"testing"

	"github.com/miekg/dns"

	"github.com/signpost-dns/signpost/internal/engine"
)

func values(resp *engine.Response) []string {
	var out []string
	for _, x := range resp.Answer {
		switch rr := record(x).(type) {
		case *dns.A:
			out = append(out, rr.A.String())
		case *dns.AAAA:
			out = append(out, rr.AAAA.String())
		case *dns.CNAME:
			out = append(out, rr.Target)
		}
	}
	return out
}

func TestSteering(t *testing.T) {
	table := loadTable(t)
	tests := []steerCase{
		{name: "subnet rule", qname: "geo.dyn.test.", client: "198.51.100.7", want: []string{"10.0.0.1"}, pool: "sub"},
		{name: "geo rule, first by weight", qname: "geo.dyn.test.", client: "203.0.113.9", rnd: []int{0}, want: []string{"10.0.1.1"}, pool: "eu"},
		{name: "geo rule, second by weight", qname: "geo.dyn.test.", client: "203.0.113.9", rnd: []int{1}, want: []string{"10.0.1.2"}, pool: "eu"},
		{name: "geo rule, weight 3 covers 1..3", qname: "geo.dyn.test.", client: "203.0.113.9", rnd: []int{3}, want: []string{"10.0.1.2"}, pool: "eu"},
		{name: "country code rule", qname: "geo.dyn.test.", client: "100.64.1.1", want: []string{"10.0.1.1"}, pool: "eu"},
		{name: "catch-all", qname: "geo.dyn.test.", client: "192.0.2.9", want: []string{"10.0.2.1"}, pool: "na"},
		{name: "no client goes to catch-all", qname: "geo.dyn.test.", want: []string{"10.0.2.1"}, pool: "na"},
		{name: "unhealthy value skipped", qname: "geo.dyn.test.", client: "203.0.113.9", down: []string{"10.0.1.2"}, rnd: []int{3}, want: []string{"10.0.1.1"}, pool: "eu"},
		{name: "pool down falls back", qname: "geo.dyn.test.", client: "203.0.113.9", down: []string{"10.0.1.1", "10.0.1.2"}, want: []string{"10.0.2.1"}, pool: "na"},
		{name: "chain exhausted serves backup values", qname: "geo.dyn.test.", client: "203.0.113.9", down: []string{"10.0.1.1", "10.0.1.2", "10.0.2.1"}, want: []string{"192.0.2.100", "192.0.2.101"}, pool: "backup"},
		{name: "status up served, down never", qname: "status.dyn.test.", rnd: []int{0}, want: []string{"10.8.0.2"}, pool: "p"},
		{name: "all values down serves backup", qname: "alldown.dyn.test.", want: []string{"192.0.2.60", "192.0.2.61"}, pool: "backup"},
		{name: "answers 2 distinct", qname: "multi.dyn.test.", rnd: []int{0, 0}, want: []string{"10.9.0.1", "10.9.0.2"}, pool: "all"},
		{name: "answers 2 distinct, other order", qname: "multi.dyn.test.", rnd: []int{1, 0}, want: []string{"10.9.0.2", "10.9.0.1"}, pool: "all"},
		{name: "answers capped by eligible values", qname: "multi.dyn.test.", down: []string{"10.9.0.1"}, want: []string{"10.9.0.2"}, pool: "all"},
		{name: "dynamic CNAME chased", qname: "cdn.dyn.test.", client: "203.0.113.1", want: []string{"eu.dyn.test.", "10.6.0.1"}, pool: "eu"},
		{name: "dynamic CNAME other", qname: "cdn.dyn.test.", client: "192.0.2.1", want: []string{"other.dyn.test.", "10.6.0.2"}, pool: "other"},
		{name: "ECS scope from subnet match", qname: "geo.dyn.test.", client: "198.51.100.0", bits: 24, want: []string{"10.0.0.1"}, pool: "sub", scope: 24},
		{name: "ECS scope from geo network", qname: "geo.dyn.test.", client: "203.0.113.0", bits: 24, rnd: []int{0}, want: []string{"10.0.1.1"}, pool: "eu", scope: 24},
		{name: "ECS scope from subnet miss and geo", qname: "geo.dyn.test.", client: "100.64.0.0", bits: 16, want: []string{"10.0.1.1"}, pool: "eu", scope: 16},
		{name: "ECS scope 0 when client did not matter", qname: "multi.dyn.test.", client: "203.0.113.0", bits: 24, rnd: []int{0, 0}, want: []string{"10.9.0.1", "10.9.0.2"}, pool: "all", scope: 0},
	}
	runSteerCases(t, table, tests)
}

// TestScopeOnSubnetMiss checks the scope needed to tell a client outside a
// subnet rule from one inside it: up to the first differing bit.
func TestScopeOnSubnetMiss(t *testing.T) {
	table := loadTable(t)
	var resp engine.Response
	// 198.51.0.0/16 vs rule 198.51.100.0/24: 198.51.0.0 and 198.51.100.0
	// share 17 bits (100 = 0b01100100), so 18 bits decide the miss; the geo
	// fake lookup then finds no network and reports no size, so the answer
	// depends on all 32 bits.
	q := &engine.Query{Name: "geo.dyn.test.", Type: dns.TypeA, Client: netip.MustParseAddr("198.51.0.0"), SourceBits: 16}
	table.Answer(q, engine.AllUp{}, &seqRand{vals: []int{0}}, &resp, nil)
	if resp.ScopeBits != 32 {
		t.Errorf("scope bits %d, want 32 (no geo network known)", resp.ScopeBits)
	}
}

// TestWeightsStatistically draws many answers with a real random source and
// checks the 1:3 split of pool eu within five standard deviations.
func TestWeightsStatistically(t *testing.T) {
	table := loadTable(t)
	rnd := rand.New(rand.NewPCG(1, 2))
	const n = 40000
	counts := map[string]int{}
	var resp engine.Response
	q := &engine.Query{Name: "geo.dyn.test.", Type: dns.TypeA, Client: netip.MustParseAddr("203.0.113.9")}
	for range n {
		table.Answer(q, engine.AllUp{}, rnd, &resp, nil)
		counts[values(&resp)[0]]++
	}
	p := 0.25
	sd := math.Sqrt(n * p * (1 - p))
	if got := float64(counts["10.0.1.1"]); math.Abs(got-n*p) > 5*sd {
		t.Errorf("10.0.1.1 drawn %v times of %d, want %v ± %v", got, n, n*p, 5*sd)
	}
	if counts["10.0.1.1"]+counts["10.0.1.2"] != n {
		t.Errorf("answers outside the pool: %v", counts)
	}
}

func TestTargetsDeduplicated(t *testing.T) {
	table := loadTable(t)
	seen := map[string]bool{}
	for _, tg := range table.Targets() {
		key := tg.Address + tg.Check.Host
		if seen[key] {
			t.Errorf("target %s listed twice", key)
		}
		seen[key] = true
		if tg.Check.Protocol != "HTTPS" || tg.Check.Port != 443 || tg.Check.Path != "/_dns" {
			t.Errorf("target %s check %+v, want octoDNS defaults", tg.Address, tg.Check)
		}
	}
	// status up and down values are never probed
	for _, v := range []string{"10.8.0.1", "10.8.0.2", "10.7.0.1", "10.9.0.3"} {
		if seen[v+"status.dyn.test"] || seen[v+"alldown.dyn.test"] || seen[v+"multi.dyn.test"] {
			t.Errorf("value %s with status up/down became a target", v)
		}
	}
	if len(table.Targets()) != 8 {
		t.Errorf("%d targets, want 8", len(table.Targets()))
	}
}

func TestTrace(t *testing.T) {
	table := loadTable(t)
	tr := &engine.Trace{}
	var resp engine.Response
	h := health{t: table, down: map[string]bool{"10.0.1.1": true, "10.0.1.2": true}}
	q := &engine.Query{Name: "geo.dyn.test.", Type: dns.TypeA, Client: netip.MustParseAddr("203.0.113.9")}
	table.Answer(q, h, &seqRand{vals: []int{0}}, &resp, tr)
	want := []string{
		"rule 1 (198.51.100.0/24 -> sub) did not match",
		"rule 2 (AS-JP, EU -> eu) matched: location EU-DE is in EU",
		"pool eu value 10.0.1.1 weight 1 status obey: not eligible: health check failing",
		"pool eu value 10.0.1.2 weight 3 status obey: not eligible: health check failing",
		"pool eu has no eligible value: falling back to pool na",
		"pool na value 10.0.2.1 weight 1 status obey: eligible: healthy",
		"pool na answered 10.0.2.1",
	}
	if !slices.Equal(tr.Lines, want) {
		t.Errorf("trace:\ngot  %q\nwant %q", tr.Lines, want)
	}
}

func TestAnswerDoesNotAllocate(t *testing.T) {
	table := loadTable(t)
	var resp engine.Response
	rnd := rand.New(rand.NewPCG(1, 2))
	for _, name := range []string{"web.example.com.", "www.example.com.", "geo.dyn.test.", "multi.dyn.test.", "nope.example.com.", "x.wild.example.com."} {
		q := &engine.Query{Name: name, Type: dns.TypeA, Client: netip.MustParseAddr("203.0.113.9"), SourceBits: 24}
		allocs := testing.AllocsPerRun(100, func() { table.Answer(q, engine.AllUp{}, rnd, &resp, nil) })
		if allocs != 0 {
			t.Errorf("%s: %v allocations per answer, want 0", name, allocs)
		}
	}
}
