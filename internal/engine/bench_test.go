package engine_test

import (
	"math/rand/v2"
	"net/netip"
	"testing"

	"github.com/miekg/dns"

	"github.com/signpost-dns/signpost/internal/engine"
	"github.com/signpost-dns/signpost/internal/geo/geotest"
	"github.com/signpost-dns/signpost/internal/zonefile"
)

// benchTable compiles the test zones with a real MMDB locator, so that geo
// answers include the GeoIP lookup.
func benchTable(b *testing.B) *engine.Table {
	loc := geotest.Open(b, append(geotest.Default, geotest.Network{CIDR: "100.64.0.0/16", Continent: "EU", Country: "FR"}))
	zones, _, err := zonefile.LoadDir("testdata/zones")
	if err != nil {
		b.Fatal(err)
	}
	t, _ := engine.Compile(zones, engine.Options{Locator: loc, Serial: 1})
	return t
}

// BenchmarkAnswer measures the engine's answer path for each kind of answer.
func BenchmarkAnswer(b *testing.B) {
	table := benchTable(b)
	cases := []struct {
		name   string
		qname  string
		client string
		down   []string
	}{
		{"static", "web.example.com.", "", nil},
		{"weighted", "multi.dyn.test.", "", nil},
		{"geo", "geo.dyn.test.", "100.64.1.0", nil},
		{"subnet", "geo.dyn.test.", "198.51.100.7", nil},
		{"fallback", "geo.dyn.test.", "100.64.1.0", []string{"10.0.1.1", "10.0.1.2"}},
		{"backup", "geo.dyn.test.", "100.64.1.0", []string{"10.0.1.1", "10.0.1.2", "10.0.2.1"}},
		{"cname-chase", "www.example.com.", "", nil},
		{"nxdomain", "nope.example.com.", "", nil},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			q := &engine.Query{Name: c.qname, Type: dns.TypeA, SourceBits: 24}
			if c.client != "" {
				q.Client = netip.MustParseAddr(c.client)
			}
			var h engine.Health = engine.AllUp{}
			if c.down != nil {
				hd := health{t: table, down: map[string]bool{}}
				for _, d := range c.down {
					hd.down[d] = true
				}
				h = hd
			}
			rnd := rand.New(rand.NewPCG(1, 2))
			var resp engine.Response
			b.ReportAllocs()
			for b.Loop() {
				table.Answer(q, h, rnd, &resp, nil)
			}
			if len(resp.Answer) == 0 && c.name != "nxdomain" {
				b.Fatal("no answer")
			}
		})
	}
}
