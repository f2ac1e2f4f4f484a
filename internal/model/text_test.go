package model_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/signpost-dns/signpost/internal/model"
)

func TestTextRecord(t *testing.T) {
	tests := []struct {
		typ    model.RRType
		values []string
		want   []string // values as model keeps them; nil when invalid
		why    string   // a reason expected when invalid
	}{
		{"A", []string{"192.0.2.1"}, []string{"192.0.2.1"}, ""},
		{"A", []string{"192.0.2.256"}, nil, `invalid IPv4 address "192.0.2.256"`},
		{"MX", []string{"10 mx1.example.com."}, []string{"10 mx1.example.com."}, ""},
		{"MX", []string{"ten mx1.example.com."}, nil, `invalid preference "ten"`},
		{"MX", []string{"10 mx1.example.com. extra"}, nil, `unknown MX field "extra field 3"`},
		{"SRV", []string{"10 20 5060 sip.example.com."}, []string{"10 20 5060 sip.example.com."}, ""},
		{"CAA", []string{`0 issue "ca.example.net"`}, []string{`0 issue "ca.example.net"`}, ""},
		{"TXT", []string{"v=spf1 -all"}, []string{`"v=spf1 -all"`}, ""},
		{"CNAME", []string{"a.example.com.", "b.example.com."}, nil, "takes a single value, got 2"},
		{"CNAME", []string{"nodot"}, nil, "missing trailing ."},
	}
	for _, tc := range tests {
		t.Run(string(tc.typ)+" "+strings.Join(tc.values, ","), func(t *testing.T) {
			name := "www"
			if tc.typ == "SRV" {
				name = "_sip._tcp"
			}
			rec, probs := model.TextRecord("example.com.", name, tc.typ, 300, tc.values)
			if tc.want != nil {
				if rec == nil || len(probs.Errors()) > 0 || !slices.Equal(rec.Values, tc.want) {
					t.Errorf("got %+v %v, want values %q", rec, probs, tc.want)
				}
				return
			}
			if rec != nil || !strings.Contains(probs.Error(), tc.why) {
				t.Errorf("got %+v %q, want a problem with %q", rec, probs, tc.why)
			}
		})
	}
}
