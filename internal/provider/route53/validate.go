package route53

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/signpost-dns/signpost/internal/model"
)

// Route53's limits.
const (
	MaxBatchRecords = 1000  // ResourceRecord elements per change batch
	MaxBatchChars   = 32000 // characters of Value elements per change batch
	maxWeighted     = 100   // weighted records per name and type
)

// validate checks desired rrsets for what Route53 would reject, so that a
// plan never sends what cannot apply.
func validate(records []Record) []string {
	var errs []string
	type nameType struct{ name, typ string }
	sets := map[nameType][]*RRSet{}
	names := map[string]bool{}
	for i := range records {
		for j := range records[i].Sets {
			s := &records[i].Sets[j]
			k := nameType{s.Name, s.Type}
			sets[k] = append(sets[k], s)
			names[s.Name+" "+s.Type] = true
		}
	}
	keys := make([]nameType, 0, len(sets))
	for k := range sets {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b nameType) int { return cmp.Or(cmp.Compare(a.name, b.name), cmp.Compare(a.typ, b.typ)) })
	continents := model.CountryContinents()
	for _, k := range keys {
		errs = append(errs, validateSet(k.name, k.typ, sets[k], names, continents)...)
	}
	return errs
}

func policy(s *RRSet) string {
	switch {
	case s.Weight != nil:
		return "weighted"
	case s.Region != "":
		return "latency"
	case s.Failover != "":
		return "failover"
	case s.Geo != nil:
		return "geolocation"
	case s.CIDR != nil:
		return "cidr"
	}
	return "simple"
}

func validateSet(name, typ string, set []*RRSet, names map[string]bool, continents map[string]string) []string {
	var errs []string
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Sprintf("%s %s: ", name, typ)+fmt.Sprintf(format, args...))
	}
	pol := policy(set[0])
	ids := map[string]bool{}
	failovers := map[string]int{}
	for _, s := range set {
		if p := policy(s); p != pol {
			bad("routing policies %s and %s cannot be mixed", pol, p)
		}
		if pol == "simple" && (s.SetID != "" || len(set) > 1) {
			bad("a simple record set takes no SetIdentifier and stands alone")
		}
		if pol != "simple" {
			if s.SetID == "" {
				bad("SetIdentifier is required for %s records", pol)
			} else if ids[s.SetID] {
				bad("SetIdentifier %q is used twice", s.SetID)
			}
			ids[s.SetID] = true
		}
		if s.Weight != nil && (*s.Weight < 0 || *s.Weight > 255) {
			bad("weight %d is outside 0..255", *s.Weight)
		}
		if s.Failover != "" {
			failovers[s.Failover]++
		}
		if s.Alias != nil && !names[s.Alias.Target+" "+typ] {
			bad("alias target %s %s does not exist", s.Alias.Target, typ)
		}
		if s.Alias == nil && len(s.Value) == 0 {
			bad("no values")
		}
		if g := s.Geo; g != nil {
			errs = append(errs, checkGeo(name, typ, g, continents)...)
		}
	}
	if pol == "weighted" && len(set) > maxWeighted {
		bad("%d weighted records, at most %d", len(set), maxWeighted)
	}
	for f, n := range failovers {
		if n > 1 {
			bad("%d %s failover records, at most 1", n, f)
		}
	}
	return errs
}

func checkGeo(name, typ string, g *Geo, continents map[string]string) []string {
	bad := func(why string) []string { return []string{fmt.Sprintf("%s %s: geolocation %s", name, typ, why)} }
	switch {
	case g.Continent != "" && (g.Country != "" || g.Subdivision != ""):
		return bad("cannot name a continent and a country")
	case g.Continent != "" && model.ContinentName(g.Continent) == "":
		return bad(fmt.Sprintf("continent %q is unknown", g.Continent))
	case g.Country == "*" || g.Country == "UA" && g.Subdivision == "":
		return nil
	case g.Country != "" && continents[g.Country] == "":
		return bad(fmt.Sprintf("country %q is unknown", g.Country))
	case g.Subdivision != "" && g.Country != "US":
		return bad(fmt.Sprintf("subdivision %s-%s is not supported (only US states)", g.Country, g.Subdivision))
	}
	return nil
}
