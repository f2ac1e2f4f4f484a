package geo_test

import (
	"net/netip"
	"path/filepath"
	"testing"

	"github.com/signpost-dns/signpost/internal/geo"
	"github.com/signpost-dns/signpost/internal/geo/geotest"
)

func TestMMDB(t *testing.T) {
	db := geotest.Open(t, append(geotest.Default,
		// a database that places Turkey in Europe: signpost follows octoDNS
		// and derives the continent from the country.
		geotest.Network{CIDR: "100.64.0.0/10", Continent: "EU", Country: "TR"},
	))
	tests := []struct {
		addr string
		want string
		bits int
		ok   bool
	}{
		{"192.0.2.77", "NA-US-CA", 24, true},
		{"198.51.100.1", "EU-DE", 24, true},
		{"::ffff:203.0.113.5", "AS-JP", 24, true},
		{"2001:db8:1::1", "OC-AU", 32, true},
		{"100.64.9.9", "AS-TR", 10, true},
		{"127.0.0.1", "", 0, false},
	}
	for _, tc := range tests {
		t.Run(tc.addr, func(t *testing.T) {
			for range 2 { // the second lookup comes from the cache
				loc, ok := db.Locate(netip.MustParseAddr(tc.addr))
				if ok != tc.ok || (ok && (loc.Code() != tc.want || loc.Bits != tc.bits)) {
					t.Fatalf("got %q /%d %v, want %q /%d %v", loc.Code(), loc.Bits, ok, tc.want, tc.bits, tc.ok)
				}
			}
		})
	}
	addr := netip.MustParseAddr("198.51.100.1")
	if n := testing.AllocsPerRun(100, func() { db.Locate(addr) }); n != 0 {
		t.Errorf("cached lookup allocates %v times, want 0", n)
	}
}

func TestOpenMMDBMissing(t *testing.T) {
	if _, err := geo.OpenMMDB(filepath.Join(t.TempDir(), "nope.mmdb")); err == nil {
		t.Fatal("opening a missing database succeeded")
	}
}

func TestEmbedded(t *testing.T) {
	e := geo.NewEmbedded()
	if _, ok := e.Locate(netip.MustParseAddr("127.0.0.1")); ok {
		t.Error("loopback located")
	}
	if _, ok := e.Locate(netip.MustParseAddr("10.1.2.3")); ok {
		t.Error("private address located")
	}
	// The embedded data places RIPE NCC's own network in the Netherlands.
	loc, ok := e.Locate(netip.MustParseAddr("193.0.0.1"))
	if !ok || loc.Continent != "EU" || len(loc.Country) != 2 {
		t.Errorf("193.0.0.1: got %+v %v, want a European country", loc, ok)
	}
}

func TestNone(t *testing.T) {
	if _, ok := (geo.None{}).Locate(netip.MustParseAddr("193.0.0.1")); ok {
		t.Error("None located an address")
	}
}

func TestMMDBPoints(t *testing.T) {
	db := geotest.Open(t, geotest.Default)
	loc, ok := db.Locate(netip.MustParseAddr("198.51.100.7"))
	if !ok || loc.Point == nil || loc.Point.Latitude != 52.52 || loc.Point.Longitude != 13.40 {
		t.Errorf("Berlin: %+v %v", loc, ok)
	}
	// Without coordinates, the country's representative point (zone.tab).
	if loc, ok := db.Locate(netip.MustParseAddr("203.0.113.7")); !ok || loc.Point == nil || loc.Point.Latitude != 35.65 || loc.Point.Longitude != 139.74 {
		t.Errorf("a network without coordinates: %+v %v", loc, ok)
	}
	// The embedded country data gives every located address its country's point.
	loc, ok = geo.NewEmbedded().Locate(netip.MustParseAddr("1.0.0.1"))
	if !ok || loc.Country != "AU" || loc.Point == nil || loc.Point.Latitude > -20 {
		t.Errorf("embedded 1.0.0.1: %+v %v", loc, ok)
	}
}
