package provider_test

import (
	"slices"
	"testing"

	"github.com/signpost-dns/signpost/internal/provider"
	"github.com/signpost-dns/signpost/internal/zonefile"
)

func TestCheckCapabilities(t *testing.T) {
	src := `'':
  type: NS
  values: [ns1.example.net.]
txt:
  type: TXT
  value: hello
www:
  type: A
  values: [192.0.2.1]
  dynamic:
    pools:
      a: {values: [{value: 192.0.2.2, status: up}]}
      b: {values: [{value: 192.0.2.3}]}
    rules:
      - {subnets: [10.0.0.0/8], pool: a}
      - pool: b
`
	z, probs := zonefile.Parse("z.yaml", "example.com.", []byte(src))
	if len(probs) > 0 {
		t.Fatal(probs)
	}
	tests := []struct {
		name string
		caps provider.Capabilities
		want []string
	}{
		{"everything", provider.Capabilities{Types: []string{"NS", "TXT", "A"}, Dynamic: true, Status: true, Subnets: true, RootNS: true}, nil},
		{"no TXT, no root NS", provider.Capabilities{Types: []string{"NS", "A"}, Dynamic: true, Status: true, Subnets: true},
			[]string{"example.com. NS: the apex NS cannot be managed", "txt.example.com. TXT: type TXT is not supported"}},
		{"no status, no subnets", provider.Capabilities{Types: []string{"NS", "TXT", "A"}, Dynamic: true, RootNS: true},
			[]string{"www.example.com. A: pool value status up/down is not supported", "www.example.com. A: subnet rules are not supported"}},
		{"no dynamic", provider.Capabilities{Types: []string{"NS", "TXT", "A"}, RootNS: true},
			[]string{"www.example.com. A: dynamic records are not supported"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := provider.CheckCapabilities(tc.caps, z); !slices.Equal(got, tc.want) {
				t.Errorf("got %q\nwant %q", got, tc.want)
			}
		})
	}
}
