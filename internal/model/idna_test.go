package model_test

import (
	"strings"
	"testing"

	"github.com/signpost-dns/signpost/internal/model"
	"github.com/signpost-dns/signpost/internal/zonefile"
)

// TestIDNA: UTF-8 names and name-valued fields are stored in IDNA form,
// as octoDNS stores them; TXT values stay as written; what IDNA 2008
// forbids is refused.
func TestIDNA(t *testing.T) {
	tests := []struct {
		doc        string
		name, vals string // the record as stored
		problem    string
	}{
		{"café:\n  type: A\n  value: 127.0.0.1\n", "xn--caf-dma", "127.0.0.1", ""},
		{"'*.Bücher':\n  type: A\n  value: 127.0.0.1\n", "*.xn--bcher-kva", "127.0.0.1", ""},
		{"www:\n  type: CNAME\n  value: bücher.example.\n", "www", "xn--bcher-kva.example.", ""},
		{"'':\n  type: MX\n  value: {preference: 10, exchange: почта.example.}\n", "", "10 xn--80a1acny.example.", ""},
		{"t:\n  type: TXT\n  value: grüße\n", "t", `"grüße"`, ""},
		{"ascii:\n  type: A\n  value: 127.0.0.1\n", "ascii", "127.0.0.1", ""},
		{"'ca fé':\n  type: A\n  value: 127.0.0.1\n", "", "", `invalid IDNA name "ca fé"`},
	}
	for _, tt := range tests {
		z, probs := zonefile.Parse("unit.tests.yaml", "unit.tests.", []byte(tt.doc))
		if tt.problem != "" {
			if len(probs.Errors()) != 1 || !strings.Contains(probs.Errors()[0].Reason, tt.problem) {
				t.Errorf("%q: problems %v, want %q", tt.doc, probs, tt.problem)
			}
			continue
		}
		if len(probs.Errors()) > 0 || len(z.Records) != 1 {
			t.Errorf("%q: %v", tt.doc, probs)
			continue
		}
		r := z.Records[0]
		if r.Name != tt.name || strings.Join(r.Values, " ") != tt.vals {
			t.Errorf("%q: stored %q %q, want %q %q", tt.doc, r.Name, r.Values, tt.name, tt.vals)
		}
	}
	if got, _ := model.IDNA("xn--caf-dma.test."); got != "xn--caf-dma.test." {
		t.Errorf("an encoded name changed: %q", got)
	}
	if got := zonefile.ZoneName("/zones/café.test.yaml"); got != "xn--caf-dma.test." {
		t.Errorf("zone of café.test.yaml: %q", got)
	}
}
