package provider_test

import (
	"context"
	"slices"
	"testing"

	"github.com/signpost-dns/signpost/internal/model"
	"github.com/signpost-dns/signpost/internal/plan"
	"github.com/signpost-dns/signpost/internal/provider"
	"github.com/signpost-dns/signpost/internal/provider/providertest"
	"github.com/signpost-dns/signpost/internal/zonefile"
)

const src = `'':
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

// picky is a Memory with chosen capabilities and one offline rule of its
// own.
type picky struct{ *providertest.Memory }

func (picky) Check(z *model.Zone) []string {
	return []string{"txt.example.com. TXT: values longer than 3 characters are refused", "the zone is too big"}
}

func TestCheck(t *testing.T) {
	z, probs := zonefile.Parse("z.yaml", "example.com.", []byte(src))
	if len(probs) > 0 {
		t.Fatal(probs)
	}
	all := []plan.Capability{plan.RecordType("NS"), plan.RecordType("TXT"), plan.RecordType("A"), plan.Dynamic, plan.ValueStatus, plan.Subnets, plan.RootNS}
	without := func(drop ...plan.Capability) plan.Capabilities {
		return plan.Supports(slices.DeleteFunc(slices.Clone(all), func(c plan.Capability) bool { return slices.Contains(drop, c) })...)
	}
	tests := []struct {
		name string
		caps plan.Capabilities
		want []string
	}{
		{"everything", without(), nil},
		{"no TXT, no root NS", without(plan.RecordType("TXT"), plan.RootNS), []string{
			"z.yaml:2: example.com. NS: managing the apex NS: not supported by p",
			"z.yaml:5: txt.example.com. TXT: type TXT: not supported by p"}},
		{"no status, no subnets", without(plan.ValueStatus, plan.Subnets), []string{
			"z.yaml:8: www.example.com. A: pool value status up/down: not supported by p",
			"z.yaml:8: www.example.com. A: subnet rules: not supported by p"}},
		{"no dynamic", without(plan.Dynamic, plan.Subnets), []string{"z.yaml:8: www.example.com. A: dynamic records: not supported by p"}},
		{"with a reason", plan.Capabilities{plan.RecordType("NS"): {Supported: true}, plan.RecordType("TXT"): {Supported: true}, plan.RootNS: {Supported: true},
			plan.Dynamic: {Supported: true}, plan.ValueStatus: {Supported: true}, plan.Subnets: {Supported: true},
			plan.RecordType("A"): {Supported: false, Reason: "IPv4 is retired here"}}, []string{
			"z.yaml:8: www.example.com. A: type A: not supported by p: IPv4 is retired here"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, p := range provider.Check(providertest.NewMemory("p", tc.caps), z) {
				got = append(got, p.String())
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("got  %q\nwant %q", got, tc.want)
			}
		})
	}
}

// TestProviderMessagesGetLines: a provider's own "fqdn TYPE: reason"
// message points at the record's line; any other at the file.
func TestProviderMessagesGetLines(t *testing.T) {
	z, _ := zonefile.Parse("z.yaml", "example.com.", []byte(src))
	p := picky{providertest.NewMemory("p", nil)}
	var got []string
	for _, pr := range provider.Check(p, z) {
		got = append(got, pr.String())
	}
	want := []string{"z.yaml:5: txt.example.com. TXT: target p: values longer than 3 characters are refused", "z.yaml: example.com.: target p: the zone is too big"}
	if !slices.Equal(got, want) {
		t.Errorf("got  %q\nwant %q", got, want)
	}
	if _, err := provider.PlanZone(context.Background(), p, z); err == nil || p.Calls()["Plan"] != 0 {
		t.Errorf("PlanZone: %v after %d plans; want refused before planning", err, p.Calls()["Plan"])
	}
}
