package geo

import (
	"net/netip"

	"github.com/phuslu/iploc"

	"github.com/signpost-dns/signpost/internal/model"
)

// Embedded locates addresses by country with the IP2Location LITE data that
// github.com/phuslu/iploc embeds. It knows no subdivisions and no network
// sizes, so ECS scopes from it are the full source prefix.
type Embedded struct {
	continents map[string]string
	points     map[string]*model.Point // countries' representative points
}

// NewEmbedded returns the embedded country locator.
func NewEmbedded() *Embedded { return &Embedded{continents: newContinents(), points: countryPoints()} }

// Locate implements Locator.
func (e *Embedded) Locate(addr netip.Addr) (Location, bool) {
	addr = addr.Unmap()
	if !addr.IsGlobalUnicast() || addr.IsPrivate() {
		return Location{}, false
	}
	cc := iploc.IPCountry(addr)
	if cc == "" || cc == "ZZ" {
		return Location{}, false
	}
	l := continentFor(e.continents, Location{Country: cc})
	l.Point = e.points[cc] // shared, never written: no allocation per query
	return l, l.Continent != ""
}

// Source implements Locator.
func (e *Embedded) Source() string {
	return "embedded country data (IP2Location LITE via phuslu/iploc)"
}

// Coverage implements Locator.
func (e *Embedded) Coverage() Coverage { return CoverageCountry }
