package geo

import (
	"net/netip"

	"github.com/phuslu/iploc"
)

// Embedded locates addresses by country with the IP2Location LITE data that
// github.com/phuslu/iploc embeds. It knows no subdivisions and no network
// sizes, so ECS scopes from it are the full source prefix.
type Embedded struct {
	continents map[string]string
}

// NewEmbedded returns the embedded country locator.
func NewEmbedded() *Embedded { return &Embedded{continents: newContinents()} }

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
	return l, l.Continent != ""
}

// Source implements Locator.
func (e *Embedded) Source() string {
	return "embedded country data (IP2Location LITE via phuslu/iploc)"
}

// Coverage implements Locator.
func (e *Embedded) Coverage() Coverage { return CoverageCountry }
