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
