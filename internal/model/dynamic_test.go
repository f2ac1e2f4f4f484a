package model_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/signpost-dns/signpost/internal/model"
	"github.com/signpost-dns/signpost/internal/zonefile"
)

// problems parses a zone document and returns its problems' reasons.
func problems(t *testing.T, doc string) ([]string, model.Problems) {
	t.Helper()
	_, probs := zonefile.Parse("unit.tests.yaml", "unit.tests.", []byte(strings.TrimLeft(doc, "\n")))
	out := make([]string, len(probs))
	for i, p := range probs {
		out[i] = p.Reason
	}
	return out, probs
}

// dyn builds a dynamic A record named test from a pools and a rules block.
func dyn(pools, rules string) string {
	return "test:\n  type: A\n  values: [1.1.1.1, 2.2.2.2]\n  dynamic:\n" + indent(pools) + indent(rules)
}

func indent(s string) string {
	if s == "" {
		return ""
	}
	lines := strings.Split(strings.Trim(s, "\n"), "\n")
	for i, l := range lines {
		lines[i] = "    " + l
	}
	return strings.Join(lines, "\n") + "\n"
}

const (
	poolsOneTwo = `
pools:
  one:
    values:
      - value: 3.3.3.3
  two:
    values:
      - value: 4.4.4.4
      - value: 5.5.5.5
        weight: 2`
	poolsThree = `
pools:
  one:
    values: [{value: 3.3.3.3}]
  two:
    values: [{value: 4.4.4.4}]
  three:
    values: [{value: 5.5.5.5}]`
	rulesGeoThenCatchAll = `
rules:
  - geos: [AF, EU]
    pool: two
  - pool: one`
)

func TestDynamicValidation(t *testing.T) {
	tests := []struct {
		name string
		doc  string
		want []string
	}{
		{"valid", dyn(poolsOneTwo, rulesGeoThenCatchAll), nil},
		{"1 dynamic with geo", dyn(poolsOneTwo, rulesGeoThenCatchAll) + "  geo:\n    NA: [1.2.3.4]\n",
			[]string{`"dynamic" record with "geo" content`}},
		{"2 pools not a dict", dyn("pools: []", rulesGeoThenCatchAll),
			[]string{"pools must be a dict", `rule 1 undefined pool "two"`, `rule 2 undefined pool "one"`}},
		{"3 pools empty", dyn("pools: {}", rulesGeoThenCatchAll),
			[]string{"missing pools", `rule 1 undefined pool "two"`, `rule 2 undefined pool "one"`}},
		{"3 pools missing", dyn("", "rules:\n  - pool: one"),
			[]string{"missing pools", `rule 1 undefined pool "one"`}},
		{"4 pool not a dict", dyn("pools:\n  one: ''\n  two:\n    values: [{value: 4.4.4.4}]", rulesGeoThenCatchAll),
			[]string{`pool "one" must be a dict`}},
		{"5 pool missing values", dyn("pools:\n  one:\n    fallback: two\n  two:\n    values: [{value: 4.4.4.4}]", rulesGeoThenCatchAll),
			[]string{`pool "one" is missing values`}},
		{"6 weight too big", dyn(strings.Replace(poolsOneTwo, "weight: 2", "weight: 101", 1), rulesGeoThenCatchAll),
			[]string{`invalid weight "101" in pool "two" value 2`}},
		{"6 weight zero", dyn(strings.Replace(poolsOneTwo, "weight: 2", "weight: 0", 1), rulesGeoThenCatchAll),
			[]string{`invalid weight "0" in pool "two" value 2`}},
		{"6 weight not a number", dyn(strings.Replace(poolsOneTwo, "weight: 2", "weight: foo", 1), rulesGeoThenCatchAll),
			[]string{`invalid weight "foo" in pool "two" value 2`}},
		{"6 weight as string and float pass", dyn(strings.Replace(poolsOneTwo, "weight: 2", "weight: '5'", 1), rulesGeoThenCatchAll) +
			"other:\n  type: A\n  values: [1.1.1.1]\n  dynamic:\n    pools:\n      p:\n        values: [{value: 1.2.3.4, weight: 2.7}, {value: 1.2.3.5}]\n    rules: [{pool: p}]\n", nil},
		{"7 invalid status", dyn("pools:\n  one:\n    values:\n      - value: 3.3.3.3\n        status: none\n  two:\n    values: [{value: 4.4.4.4}]", rulesGeoThenCatchAll),
			[]string{`invalid status "none" in pool "one" value 1`}},
		{"8 missing value", dyn("pools:\n  one:\n    values: [{value: 3.3.3.3}]\n  two:\n    values:\n      - weight: 2\n      - value: 4.4.4.4", rulesGeoThenCatchAll),
			[]string{`missing value in pool "two" value 1`}},
		{"9 invalid value", dyn("pools:\n  one:\n    values: [{value: blip}]\n  two:\n    values: [{value: 4.4.4.4}]", rulesGeoThenCatchAll),
			[]string{`invalid IPv4 address "blip"`}},
		{"10 single value weight", dyn("pools:\n  one:\n    values: [{value: 6.6.6.6, weight: 12}]\n  two:\n    values: [{value: 4.4.4.4}]", rulesGeoThenCatchAll),
			[]string{`pool "one" has single value with weight!=1`}},
		{"11 undefined fallback", dyn("pools:\n  one:\n    values: [{value: 3.3.3.3}]\n  two:\n    fallback: invalid\n    values: [{value: 4.4.4.4}]", rulesGeoThenCatchAll),
			[]string{`undefined fallback "invalid" for pool "two"`}},
		{"12 fallback loop", dyn("pools:\n  one:\n    fallback: three\n    values: [{value: 3.3.3.3}]\n  two:\n    fallback: one\n    values: [{value: 4.4.4.4}]\n  three:\n    fallback: two\n    values: [{value: 5.5.5.5}]",
			"rules:\n  - geos: [AF]\n    pool: three\n  - pool: one"),
			[]string{"loop in pool fallbacks: one -> three -> two", "loop in pool fallbacks: three -> two -> one", "loop in pool fallbacks: two -> one -> three"}},
		{"13 rules not a list", dyn(poolsOneTwo, "rules: {}"),
			[]string{"rules must be a list", `unused pools: "one", "two"`}},
		{"14 rules missing", dyn(poolsOneTwo, ""),
			[]string{"missing rules", `unused pools: "one", "two"`}},
		{"14 rules empty", dyn(poolsOneTwo, "rules: []"),
			[]string{"missing rules", `unused pools: "one", "two"`}},
		{"15 rule missing pool", dyn(poolsOneTwo, "rules:\n  - geos: [NA-US-CA]\n  - pool: one"),
			[]string{"rule 1 missing pool", `unused pools: "two"`}},
		{"16 rule pool not a string", dyn(poolsOneTwo, "rules:\n  - geos: [EU]\n    pool: []\n  - pool: one"),
			[]string{`rule 1 invalid pool "[]"`, `unused pools: "two"`}},
		{"17 rule pool undefined", dyn(poolsOneTwo, "rules:\n  - geos: [EU]\n    pool: non-existent\n  - pool: one"),
			[]string{`rule 1 undefined pool "non-existent"`, `unused pools: "two"`}},
		{"18 pool reused", dyn(poolsOneTwo, "rules:\n  - geos: [EU]\n    pool: two\n  - geos: [AF]\n    pool: one\n  - geos: [OC]\n    pool: one\n  - pool: two"),
			[]string{`rule 3 invalid, target pool "one" reused`}},
		{"18 catch-all may reuse", dyn(poolsOneTwo, "rules:\n  - geos: [EU]\n    pool: two\n  - geos: [AF]\n    pool: one\n  - pool: two"), nil},
		{"19 subnet+geo after geo-only", dyn(poolsThree, "rules:\n  - geos: [NA]\n    pool: two\n  - subnets: [10.1.0.0/16]\n    geos: [AS]\n    pool: one\n  - pool: three"),
			[]string{"rule 2 with subnet(s) and geo(s) should appear before all geo-only rules"}},
		{"20 subnet-only after geo", dyn(poolsThree, "rules:\n  - geos: [NA]\n    pool: two\n  - subnets: [10.1.0.0/16]\n    pool: one\n  - pool: three"),
			[]string{"rule 2 with only subnet targeting should appear before all geo targeting rules"}},
		{"21 duplicate default", dyn(poolsOneTwo, "rules:\n  - pool: two\n  - pool: one"),
			[]string{"rule 2 duplicate default"}},
		{"22 subnets not a list", dyn(poolsOneTwo, "rules:\n  - subnets: 10.1.0.0/16\n    pool: two\n  - pool: one"),
			[]string{"rule 1 subnets must be a list"}},
		{"23 invalid subnet", dyn(poolsOneTwo, "rules:\n  - subnets: [invalid, 10.1.1.1/16]\n    pool: two\n  - pool: one"),
			[]string{`rule 1 invalid subnet "invalid"`, `rule 1 invalid subnet "10.1.1.1/16"`}},
		{"24 subnet repeated", dyn(poolsThree, "rules:\n  - subnets: [10.1.0.0/16]\n    pool: two\n  - subnets: [10.1.0.0/16]\n    pool: one\n  - pool: three"),
			[]string{"rule 2 targets subnet 10.1.0.0/16 which has previously been seen in rule 1"}},
		{"25 subnet more specific", dyn(poolsThree, "rules:\n  - subnets: [10.1.0.0/16]\n    pool: two\n  - subnets: [10.1.1.0/24]\n    pool: one\n  - pool: three"),
			[]string{"rule 2 targets subnet 10.1.1.0/24 which is more specific than the previously seen 10.1.0.0/16 in rule 1"}},
		{"25 mixed versions do not compare", dyn(poolsThree, "rules:\n  - subnets: [10.1.0.0/16, '2001:db8::/32']\n    pool: two\n  - subnets: ['2001:db9::/32', 10.2.0.0/16]\n    pool: one\n  - pool: three"), nil},
		{"26 geos not a list", dyn(poolsOneTwo, "rules:\n  - geos: NA-US-CA\n    pool: two\n  - pool: one"),
			[]string{"rule 1 geos must be a list"}},
		{"27 geo codes", dyn(poolsOneTwo, "rules:\n  - geos: [invalid, NA-GB, NA-US-XX, NA-US-CA-X, AN-AQ]\n    pool: two\n  - pool: one"),
			[]string{`rule 1 unknown country code "NA-GB"`, `rule 1 invalid geo code "NA-US-CA-X"`, `rule 1 unknown province code "NA-US-XX"`, `rule 1 unknown continent code "invalid"`}},
		{"28 geo repeated", dyn(poolsThree, "rules:\n  - geos: [NA]\n    pool: two\n  - geos: [NA]\n    pool: one\n  - pool: three"),
			[]string{"rule 2 targets geo NA which has previously been seen in rule 1"}},
		{"29 geo more specific", dyn(poolsThree, "rules:\n  - geos: [AS, NA]\n    pool: two\n  - geos: [EU, NA-CA]\n    pool: one\n  - pool: three"),
			[]string{"rule 2 targets geo NA-CA which is more specific than the previously seen NA in rule 1"}},
		{"29 same rule", dyn(poolsOneTwo, "rules:\n  - geos: [NA-US, NA]\n    pool: two\n  - pool: one"),
			[]string{"rule 1 targets geo NA-US which is more specific than the previously seen NA in rule 1"}},
		{"29 specific then general is fine", dyn(poolsThree, "rules:\n  - geos: [AF-ZA, AS]\n    pool: two\n  - geos: [AF]\n    pool: one\n  - pool: three"), nil},
		{"30 no catch-all", dyn(poolsOneTwo, "rules:\n  - geos: [EU]\n    pool: two\n  - geos: [AF]\n    pool: one"),
			[]string{`final rule has "subnets" and/or "geos" and is not catchall`}},
		{"30 empty geos key still counts", dyn(poolsOneTwo, "rules:\n  - geos: [EU]\n    pool: two\n  - geos: []\n    pool: one"),
			[]string{`final rule has "subnets" and/or "geos" and is not catchall`}},
		{"31 unused pool", dyn(poolsThree, "rules:\n  - geos: [EU]\n    pool: two\n  - pool: one"),
			[]string{`unused pools: "three"`}},
		{"31 fallback-only pool is used", dyn("pools:\n  one:\n    fallback: two\n    values: [{value: 3.3.3.3}]\n  two:\n    values: [{value: 4.4.4.4}]", "rules:\n  - pool: one"), nil},
		{"pool name not label-safe", dyn("pools:\n  'a.b':\n    values: [{value: 3.3.3.3}]\n  "+strings.Repeat("x", 49)+":\n    values: [{value: 4.4.4.4}]",
			"rules:\n  - geos: [EU]\n    pool: "+strings.Repeat("x", 49)+"\n  - pool: a.b"),
			[]string{`pool "a.b" name must be 1 to 48 letters, digits, "-" or "_", to fit in a DNS label`,
				`pool "` + strings.Repeat("x", 49) + `" name must be 1 to 48 letters, digits, "-" or "_", to fit in a DNS label`}},
		{"many reasons together", dyn("pools: {}", "rules:\n  - pool: one"),
			[]string{"missing pools", `rule 1 undefined pool "one"`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, _ := problems(t, tc.doc)
			if !slices.Equal(got, tc.want) {
				t.Errorf("reasons:\ngot  %q\nwant %q\ndoc:\n%s", got, tc.want, tc.doc)
			}
		})
	}
}

func TestDynamicLenient(t *testing.T) {
	doc := dyn("pools: {}", "rules:\n  - pool: one") + "  octodns:\n    lenient: true\n"
	z, probs := zonefile.Parse("unit.tests.yaml", "unit.tests.", []byte(doc))
	if len(probs) != 2 || len(probs.Errors()) != 0 {
		t.Fatalf("got %v, want 2 warnings and no errors", probs)
	}
	if len(z.Records) != 1 || z.Records[0].Dynamic == nil {
		t.Fatalf("lenient record not loaded: %+v", z.Records)
	}
}

func TestDynamicParsed(t *testing.T) {
	z, probs := zonefile.Parse("unit.tests.yaml", "unit.tests.", []byte(dyn(poolsOneTwo, rulesGeoThenCatchAll)))
	if len(probs) != 0 {
		t.Fatal(probs)
	}
	d := z.Records[0].Dynamic
	two := d.Pool("two")
	if two == nil || len(two.Values) != 2 || two.Values[1].Weight != 2 || two.Values[0].Status != model.StatusObey {
		t.Fatalf("pool two = %+v", two)
	}
	if len(d.Rules) != 2 || !slices.Equal(d.Rules[0].Geos, []model.GeoCode{{Continent: "AF"}, {Continent: "EU"}}) || !d.Rules[1].CatchAll() {
		t.Fatalf("rules = %+v", d.Rules)
	}
}
