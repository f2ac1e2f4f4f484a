package model

import "strings"

// The geo-code table follows octoDNS's geo_data: seven continents, the 249
// ISO 3166-1 countries each under exactly one continent, and the
// subdivisions of the United States and Canada.

// Continents maps continent codes to their names.
var continentNames = map[string]string{
	"AF": "Africa", "AN": "Antarctica", "AS": "Asia", "EU": "Europe",
	"NA": "North America", "OC": "Oceania", "SA": "South America",
}

// continentCountries lists each continent's countries, space separated.
var continentCountries = map[string]string{
	"AF": "AO BF BI BJ BW CD CF CG CI CM CV DJ DZ EG EH ER ET GA GH GM GN GQ GW KE KM LR LS LY MA MG ML MR MU MW MZ NA NE NG RE RW SC SD SH SL SN SO SS ST SZ TD TG TN TZ UG YT ZA ZM ZW",
	"AN": "AQ BV HM TF",
	"AS": "AE AF AM AZ BD BH BN BT CC CN CX CY GE HK ID IL IN IO IQ IR JO JP KG KH KP KR KW KZ LA LB LK MM MN MO MV MY NP OM PH PK PS QA SA SG SY TH TJ TL TM TR TW UZ VN YE",
	"EU": "AD AL AT AX BA BE BG BY CH CZ DE DK EE ES FI FO FR GB GG GI GR HR HU IE IM IS IT JE LI LT LU LV MC MD ME MK MT NL NO PL PT RO RS RU SE SI SJ SK SM UA VA",
	"NA": "AG AI AW BB BL BM BQ BS BZ CA CR CU CW DM DO GD GL GP GT HN HT JM KN KY LC MF MQ MS MX NI PA PM PR SV SX TC TT US VC VG VI",
	"OC": "AS AU CK FJ FM GU KI MH MP NC NF NR NU NZ PF PG PN PW SB TK TO TV UM VU WF WS",
	"SA": "AR BO BR CL CO EC FK GF GS GY PE PY SR UY VE",
}

// countrySubdivisions lists the subdivisions octoDNS knows, space separated.
var countrySubdivisions = map[string]string{
	"US": "AK AL AR AS AZ CA CO CT DC DE FL GA GU HI IA ID IL IN KS KY LA MA MD ME MI MN MO MP MS MT NC ND NE NH NJ NM NV NY OH OK OR PA PR RI SC SD TN TX UM UT VA VI VT WA WI WV WY",
	"CA": "AB BC MB NB NL NS NT NU ON PE QC SK YT",
}

// ContinentName returns a continent's name, or "".
func ContinentName(code string) string { return continentNames[code] }

func hasCode(list, code string) bool {
	for i := 0; i+len(code) <= len(list); i += 3 {
		if list[i:i+len(code)] == code {
			return true
		}
	}
	return false
}

// GeoCode is a parsed geo code.
type GeoCode struct {
	Continent   string
	Country     string // "" for a continent-wide code
	Subdivision string // "" unless a country subdivision
}

// parseGeoCode splits code into its parts without checking them.
func parseGeoCode(code string) GeoCode {
	parts := strings.SplitN(code, "-", 3)
	g := GeoCode{Continent: parts[0]}
	if len(parts) > 1 {
		g.Country = parts[1]
	}
	if len(parts) > 2 {
		g.Subdivision = parts[2]
	}
	return g
}

// ValidateGeoCode checks code against the table and returns octoDNS's
// reasons, each prefixed with prefix (for example `rule 1 `).
func ValidateGeoCode(code, prefix string) []string {
	parts := strings.Split(code, "-")
	if len(parts) > 3 {
		return []string{prefix + `invalid geo code "` + code + `"`}
	}
	list, ok := continentCountries[parts[0]]
	if !ok {
		return []string{prefix + `unknown continent code "` + code + `"`}
	}
	if len(parts) > 1 && (len(parts[1]) != 2 || !hasCode(list, parts[1])) {
		return []string{prefix + `unknown country code "` + code + `"`}
	}
	if len(parts) > 2 {
		subs, ok := countrySubdivisions[parts[1]]
		if !ok || len(parts[2]) != 2 || !hasCode(subs, parts[2]) {
			return []string{prefix + `unknown province code "` + code + `"`}
		}
	}
	return nil
}

// CountryContinents returns a fresh map from each country code to the
// continent octoDNS places it under.
func CountryContinents() map[string]string {
	out := make(map[string]string, 249)
	for cont, list := range continentCountries {
		for _, c := range strings.Fields(list) {
			out[c] = cont
		}
	}
	return out
}

// String returns the code as written in zone files.
func (g GeoCode) String() string {
	s := g.Continent
	if g.Country != "" {
		s += "-" + g.Country
		if g.Subdivision != "" {
			s += "-" + g.Subdivision
		}
	}
	return s
}
