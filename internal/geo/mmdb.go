package geo

import (
	"fmt"
	"net/netip"
	"strings"
	"sync"

	"github.com/oschwald/maxminddb-golang/v2"

	"github.com/signpost-dns/signpost/internal/model"
)

// maxCached bounds the decoded-record cache; past it, lookups decode anew.
const maxCached = 1 << 20

// MMDB locates addresses with a MaxMind DB file (GeoLite2/GeoIP2 City or
// Country, DB-IP lite, ip-location-db). Decoded records are cached by their
// offset in the file, so steady-state lookups do not allocate.
type MMDB struct {
	path       string
	db         *maxminddb.Reader
	continents map[string]string
	points     map[string]*model.Point // countries' representative points

	mu    sync.RWMutex // protects cache
	cache map[uintptr]Location
}

// mmdbRecord holds the fields signpost reads. country_code is the field
// some free databases use instead of country.iso_code.
type mmdbRecord struct {
	Continent struct {
		Code string `maxminddb:"code"`
	} `maxminddb:"continent"`
	Country struct {
		ISOCode string `maxminddb:"iso_code"`
	} `maxminddb:"country"`
	Subdivisions []struct {
		ISOCode string `maxminddb:"iso_code"`
	} `maxminddb:"subdivisions"`
	CountryCode string `maxminddb:"country_code"`
	Location    struct {
		Latitude  *float64 `maxminddb:"latitude"`
		Longitude *float64 `maxminddb:"longitude"`
	} `maxminddb:"location"`
}

// OpenMMDB opens a MaxMind DB file.
func OpenMMDB(path string) (*MMDB, error) {
	db, err := maxminddb.Open(path)
	if err != nil {
		return nil, fmt.Errorf("opening GeoIP database %s: %w", path, err)
	}
	return &MMDB{path: path, db: db, continents: newContinents(), points: countryPoints(), cache: map[uintptr]Location{}}, nil
}

// Close releases the database.
func (m *MMDB) Close() error { return m.db.Close() }

// Source implements Locator.
func (m *MMDB) Source() string {
	return fmt.Sprintf("%s (%s)", m.path, m.db.Metadata.DatabaseType)
}

// Coverage implements Locator: City databases know subdivisions.
func (m *MMDB) Coverage() Coverage {
	if strings.Contains(strings.ToLower(m.db.Metadata.DatabaseType), "city") {
		return CoverageSubdivision
	}
	return CoverageCountry
}

// Locate implements Locator.
func (m *MMDB) Locate(addr netip.Addr) (Location, bool) {
	res := m.db.Lookup(addr.Unmap())
	if !res.Found() {
		// The empty network's size still says how far "unknown" extends.
		return Location{Bits: res.Prefix().Bits()}, false
	}
	off := res.Offset()
	m.mu.RLock()
	l, ok := m.cache[off]
	m.mu.RUnlock()
	if !ok {
		var err error
		if l, err = m.decode(res); err != nil {
			return Location{}, false
		}
	}
	l.Bits = res.Prefix().Bits()
	return l, l.Continent != ""
}

func (m *MMDB) decode(res maxminddb.Result) (Location, error) {
	var rec mmdbRecord
	if err := res.Decode(&rec); err != nil {
		return Location{}, err
	}
	l := Location{Continent: rec.Continent.Code, Country: rec.Country.ISOCode}
	if l.Country == "" {
		l.Country = rec.CountryCode
	}
	if len(rec.Subdivisions) > 0 {
		l.Subdivision = rec.Subdivisions[0].ISOCode
	}
	if lat, lon := rec.Location.Latitude, rec.Location.Longitude; lat != nil && lon != nil {
		l.Point = &model.Point{Latitude: *lat, Longitude: *lon}
	} else {
		l.Point = m.points[l.Country]
	}
	l = continentFor(m.continents, l)
	m.mu.Lock()
	if len(m.cache) < maxCached {
		m.cache[res.Offset()] = l
	}
	m.mu.Unlock()
	return l, nil
}
