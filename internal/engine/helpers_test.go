package engine_test

import (
	"net/netip"
	"sort"
	"testing"

	"github.com/miekg/dns"

	"github.com/signpost-dns/signpost/internal/engine"
	"github.com/signpost-dns/signpost/internal/geo"
	"github.com/signpost-dns/signpost/internal/zonefile"
)

// fakeLocator places addresses by the longest listed prefix containing them.
type fakeLocator map[netip.Prefix]geo.Location

func (f fakeLocator) Locate(a netip.Addr) (geo.Location, bool) {
	best, found := geo.Location{}, false
	bestBits := -1
	for p, l := range f {
		if p.Contains(a) && p.Bits() > bestBits {
			best, found, bestBits = l, true, p.Bits()
			best.Bits = p.Bits()
		}
	}
	return best, found
}

func (f fakeLocator) Source() string { return "fake" }

func (f fakeLocator) Coverage() geo.Coverage { return geo.CoverageSubdivision }

var testLocator = fakeLocator{
	netip.MustParsePrefix("203.0.113.0/24"): {Continent: "EU", Country: "DE"},
	netip.MustParsePrefix("192.0.2.0/24"):   {Continent: "NA", Country: "US"},
	netip.MustParsePrefix("100.64.0.0/16"):  {Continent: "AS", Country: "JP"},
}

// seqRand returns the listed numbers in turn, each reduced modulo n.
type seqRand struct {
	vals []int
	i    int
}

func (s *seqRand) IntN(n int) int {
	v := s.vals[s.i%len(s.vals)]
	s.i++
	return v % n
}

// health marks listed target values down.
type health struct {
	t    *engine.Table
	down map[string]bool
}

func (h health) Up(id int) bool { return !h.down[h.t.Targets()[id].Address] }

func loadTable(t testing.TB) *engine.Table {
	t.Helper()
	zones, probs, err := zonefile.LoadDir("testdata/zones")
	if err != nil || len(probs.Errors()) > 0 {
		t.Fatalf("loading zones: %v %v", err, probs)
	}
	table, cprobs := engine.Compile(zones, engine.Options{Locator: testLocator, Serial: 2026112201})
	if len(cprobs.Errors()) > 0 {
		t.Fatalf("compiling: %v", cprobs)
	}
	return table
}

// record unpacks x; the engine packed it, so it must unpack.
func record(x engine.RR) dns.RR {
	rr, err := x.Record()
	if err != nil {
		panic(err)
	}
	return rr
}

// rrStrings renders records under their owners, sorted, for comparison.
func rrStrings(rrs []engine.RR) []string {
	out := make([]string, len(rrs))
	for i, x := range rrs {
		out[i] = record(x).String()
	}
	sort.Strings(out)
	return out
}
