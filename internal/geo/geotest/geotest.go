// Package geotest builds small MaxMind DB files for tests, in the
// GeoIP2-City layout (continent.code, country.iso_code,
// subdivisions[0].iso_code), with github.com/maxmind/mmdbwriter.
package geotest

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"testing"

	"github.com/maxmind/mmdbwriter"
	"github.com/maxmind/mmdbwriter/mmdbtype"

	"github.com/signpost-dns/signpost/internal/geo"
	"github.com/signpost-dns/signpost/internal/model"
)

// Network is one entry: a CIDR, where it is, and optionally its
// coordinates.
type Network struct {
	CIDR        string
	Continent   string
	Country     string
	Subdivision string
	Point       *model.Point
}

// Default places the documentation ranges, which tests use as clients:
// 192.0.2.0/24 in California (San Francisco's coordinates), 198.51.100.0/24
// in Germany (Berlin's), 203.0.113.0/24 in Japan (no coordinates) and
// 2001:db8::/32 in Australia (Sydney's).
var Default = []Network{
	{CIDR: "192.0.2.0/24", Continent: "NA", Country: "US", Subdivision: "CA", Point: &model.Point{Latitude: 37.77, Longitude: -122.42}},
	{CIDR: "198.51.100.0/24", Continent: "EU", Country: "DE", Point: &model.Point{Latitude: 52.52, Longitude: 13.40}},
	{CIDR: "203.0.113.0/24", Continent: "AS", Country: "JP"},
	{CIDR: "2001:db8::/32", Continent: "OC", Country: "AU", Point: &model.Point{Latitude: -33.87, Longitude: 151.21}},
}

// Write writes a City-layout database holding nets to path.
func Write(path string, nets []Network) error {
	tree, err := mmdbwriter.New(mmdbwriter.Options{
		DatabaseType:            "GeoIP2-City",
		IncludeReservedNetworks: true,
		RecordSize:              28,
	})
	if err != nil {
		return fmt.Errorf("creating tree: %w", err)
	}
	for _, n := range nets {
		_, ipnet, err := net.ParseCIDR(n.CIDR)
		if err != nil {
			return fmt.Errorf("network %q: %w", n.CIDR, err)
		}
		if err := tree.Insert(ipnet, record(n)); err != nil {
			return fmt.Errorf("inserting %s: %w", n.CIDR, err)
		}
	}
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("creating database: %w", err)
	}
	if _, err := tree.WriteTo(f); err != nil {
		_ = f.Close()
		return fmt.Errorf("writing database: %w", err)
	}
	return f.Close()
}

func record(n Network) mmdbtype.Map {
	m := mmdbtype.Map{
		"continent": mmdbtype.Map{"code": mmdbtype.String(n.Continent)},
		"country":   mmdbtype.Map{"iso_code": mmdbtype.String(n.Country)},
	}
	if n.Subdivision != "" {
		m["subdivisions"] = mmdbtype.Slice{mmdbtype.Map{"iso_code": mmdbtype.String(n.Subdivision)}}
	}
	if p := n.Point; p != nil {
		m["location"] = mmdbtype.Map{"latitude": mmdbtype.Float64(p.Latitude), "longitude": mmdbtype.Float64(p.Longitude)}
	}
	return m
}

// Open writes nets to a database in a temporary directory and opens it; the
// database is closed when the test ends.
func Open(tb testing.TB, nets []Network) *geo.MMDB {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "city.mmdb")
	if err := Write(path, nets); err != nil {
		tb.Fatal(err)
	}
	db, err := geo.OpenMMDB(path)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = db.Close() })
	return db
}
