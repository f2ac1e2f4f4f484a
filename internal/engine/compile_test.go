package engine_test

import (
	"strings"
	"testing"

	"github.com/signpost-dns/signpost/internal/engine"
	"github.com/signpost-dns/signpost/internal/geo"
	"github.com/signpost-dns/signpost/internal/model"
	"github.com/signpost-dns/signpost/internal/zonefile"
)

func TestCompileWarnsAboutGeoCoverage(t *testing.T) {
	src := "geo:\n  type: A\n  values: [192.0.2.1]\n  dynamic:\n    pools:\n      ca: {values: [{value: 192.0.2.2}]}\n      eu: {values: [{value: 192.0.2.3}]}\n      rest: {values: [{value: 192.0.2.4}]}\n    rules:\n      - geos: [NA-US-CA]\n        pool: ca\n      - geos: [EU]\n        pool: eu\n      - pool: rest\n"
	z, probs := zonefile.Parse("z.yaml", "example.com.", []byte(src))
	if len(probs) > 0 {
		t.Fatal(probs)
	}
	tests := []struct {
		name string
		loc  geo.Locator
		want []string
	}{
		{"no GeoIP", geo.None{}, []string{"geo NA-US-CA (pool ca) cannot match: GeoIP is off", "geo EU (pool eu) cannot match: GeoIP is off"}},
		{"countries only", geo.NewEmbedded(), []string{"geo NA-US-CA (pool ca) cannot match: embedded country data"}},
		{"subdivisions", testLocator, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, got := engine.Compile([]*model.Zone{z}, engine.Options{Locator: tc.loc})
			var reasons []string
			for _, p := range got {
				if strings.Contains(p.Reason, "cannot match") {
					reasons = append(reasons, p.Reason)
				}
			}
			if len(reasons) != len(tc.want) {
				t.Fatalf("got %q, want %q", reasons, tc.want)
			}
			for i := range reasons {
				if !strings.HasPrefix(reasons[i], tc.want[i]) || !got[i].Warning {
					t.Errorf("got %q, want prefix %q", reasons[i], tc.want[i])
				}
			}
		})
	}
}

// Records below a delegation are never served: each is warned about once,
// by line, except addresses (which may be glue); a zone without
// delegations warns about nothing.
func TestCompileWarnsAboutOccludedRecords(t *testing.T) {
	tests := []struct {
		name, src string
		want      []string
	}{
		{"delegated", "sub:\n  type: NS\n  values: [ns.sub.example.com.]\nns.sub:\n  type: A\n  value: 192.0.2.1\nwww.sub:\n  type: TXT\n  value: hidden\nDeep.Www.Sub:\n  type: CNAME\n  value: www.example.com.\nwww:\n  type: TXT\n  value: seen\n",
			[]string{"www.sub.example.com.:TXT", "Deep.Www.Sub.example.com.:CNAME"}},
		{"no delegation", "www.sub:\n  type: TXT\n  value: seen\nsub:\n  type: A\n  value: 192.0.2.1\n", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			z, probs := zonefile.Parse("z.yaml", "example.com.", []byte(tc.src))
			if len(probs) > 0 {
				t.Fatal(probs)
			}
			_, got := engine.Compile([]*model.Zone{z}, engine.Options{})
			var occluded []string
			for _, p := range got {
				if strings.Contains(p.Reason, "below the delegation at sub.example.com.") && p.Warning && p.Line > 0 {
					occluded = append(occluded, p.Name+":"+string(p.Type))
				}
			}
			if strings.Join(occluded, " ") != strings.Join(tc.want, " ") {
				t.Errorf("occluded = %q, want %q (all: %v)", occluded, tc.want, got)
			}
		})
	}
}
