// Package geo finds where a client is: continent, country and subdivision
// of an IP address, from a MaxMind DB file or from the country data
// embedded in the binary.
package geo

import (
	"net/netip"

	"github.com/signpost-dns/signpost/internal/model"
)

// Location is where an address is, in octoDNS's geo-code vocabulary.
type Location struct {
	Continent   string
	Country     string
	Subdivision string
	// Bits is the length of the network the database answered for; every
	// address in it has the same location. 0 means unknown: assume the
	// whole address decided.
	Bits int
	// Point is the location's coordinates, for latency routing: the
	// database's when it has them (City databases), else a representative
	// point of the country; nil when the country is unknown.
	Point *model.Point
}

//go:generate go run gen_countrypoints.go

// Code returns the location as a geo code such as "NA-US-CA".
func (l Location) Code() string {
	return model.GeoCode{Continent: l.Continent, Country: l.Country, Subdivision: l.Subdivision}.String()
}

// Locator looks up where an address is. Implementations are safe for
// concurrent use.
type Locator interface {
	// Locate returns the address's location; ok is false when unknown, in
	// which case only loc.Bits may be set.
	Locate(addr netip.Addr) (loc Location, ok bool)
	// Source describes the data behind the lookups, for logs and explain.
	Source() string
	// Coverage says how fine-grained the locations are.
	Coverage() Coverage
}

// Coverage is how fine-grained a Locator's locations are.
type Coverage uint8

// Coverages, coarsest first.
const (
	CoverageNone        Coverage = iota // no locations at all
	CoverageCountry                     // continent and country
	CoverageSubdivision                 // and first-level subdivision
)

// None is a Locator that knows nothing: geo rules never match.
type None struct{}

// Locate implements Locator.
func (None) Locate(netip.Addr) (Location, bool) { return Location{}, false }

// Source implements Locator.
func (None) Source() string { return "none (geo rules cannot match)" }

// Coverage implements Locator.
func (None) Coverage() Coverage { return CoverageNone }

// continentFor fills in the continent from the country, so that locations
// always agree with the geo-code table validation uses.
func continentFor(continents map[string]string, l Location) Location {
	if c, ok := continents[l.Country]; ok {
		l.Continent = c
	}
	if l.Country == "" || l.Continent == "" {
		l.Subdivision = ""
	}
	return l
}

func newContinents() map[string]string { return model.CountryContinents() }
