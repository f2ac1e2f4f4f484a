// Package providertest is the conformance suite every provider passes, by
// calling Run: a zone walked through creates, updates and deletes, each
// applied and planned again to zero changes; saved plans that survive JSON;
// stale plans refused; capability problems stopped before any read. Memory
// is an in-memory provider that passes it, for tests of what drives
// providers.
package providertest

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/signpost-dns/signpost/internal/model"
	"github.com/signpost-dns/signpost/internal/plan"
	"github.com/signpost-dns/signpost/internal/provider"
	"github.com/signpost-dns/signpost/internal/zonefile"
)

// Harness gives the suite a provider to test.
type Harness struct {
	// New returns the provider under test. Zones named by Zone do not
	// exist there yet.
	New func(t testing.TB) provider.Provider
	// Zone names a zone no other test uses; nil means "example.com." on
	// each fresh provider.
	Zone func() string
	// Without lists capabilities the provider declares but the backend
	// behind it in this run lacks (an emulator's gaps); the suite does not
	// use them.
	Without []plan.Capability
}

func (h Harness) zone() string {
	if h.Zone == nil {
		return "example.com."
	}
	return h.Zone()
}

// Run runs the suite.
func Run(t *testing.T, h Harness) {
	t.Run("converges", func(t *testing.T) { converges(t, h) })
	t.Run("saved plan", func(t *testing.T) { savedPlan(t, h) })
	t.Run("stale plan", func(t *testing.T) { stalePlan(t, h) })
	t.Run("capabilities", func(t *testing.T) { capabilities(t, h) })
}

// Steps are the zones the suite walks a provider through, in order. No
// step creates again a record set identical to one an earlier step
// deleted: moto refuses that (it compares a CREATE with its whole change
// history), though Route53 does not.
var Steps = []struct{ Name, Zone string }{
	{"statics", Statics},
	{"a dynamic record", Statics + Dynamic},
	{"a value goes down", Statics + strings.Replace(Dynamic, "{value: 2.2.2.2}", "{value: 2.2.2.2, status: down}", 1)},
	{"a value is status up", Statics + strings.Replace(Dynamic, "{value: 2.2.2.2}", "{value: 2.2.2.2, status: up}", 1)},
	{"weights change", Statics + strings.Replace(Dynamic, "weight: 3", "weight: 7", 1)},
	{"a TTL and a value change", strings.Replace(strings.Replace(Statics, "192.0.2.80", "192.0.2.81", 1), "ttl: 300", "ttl: 600", 1) + Dynamic},
	{"CNAME becomes A", cnameToA + Dynamic},
	{"the dynamic record goes, A becomes CNAME", aToCNAME},
	{"a record goes", strings.Replace(aToCNAME, "txt:\n  type: TXT\n  values: ['v=spf1 -all', 'hello\\; world']\n", "", 1)},
}

var (
	cnameToA = strings.Replace(Statics, "www:\n  type: CNAME\n  value: api.example.com.", "www:\n  type: A\n  value: 192.0.2.82", 1)
	aToCNAME = strings.Replace(Statics, "value: api.example.com.", "value: mail.example.com.", 1)
)

// Statics are plain records of the common types.
const Statics = `api:
  type: A
  ttl: 300
  values: [192.0.2.80, 192.0.2.90]
www:
  type: CNAME
  value: api.example.com.
mail:
  type: MX
  values: [{exchange: mx1.example.com., preference: 10}]
txt:
  type: TXT
  values: ['v=spf1 -all', 'hello\; world']
`

// Dynamic is octoDNS's documentation example of a dynamic record.
const Dynamic = `test:
  type: A
  ttl: 60
  values: [3.3.3.3, 4.4.4.4, 5.5.5.5, 6.6.6.6, 7.7.7.7]
  dynamic:
    pools:
      apac:
        fallback: na
        values: [{value: 1.1.1.1}, {value: 2.2.2.2}]
      eu:
        fallback: na
        values: [{value: 3.3.3.3, weight: 2}, {value: 4.4.4.4, weight: 3}]
      na:
        values: [{value: 5.5.5.5}, {value: 6.6.6.6}, {value: 7.7.7.7}]
    rules:
      - geos: [AF-ZA, AS, OC]
        pool: apac
      - geos: [AF, EU]
        pool: eu
      - pool: na
`

// Parse reads src as zone name, failing t on any problem.
func Parse(t testing.TB, name, src string) *model.Zone {
	t.Helper()
	z, probs := zonefile.Parse(name+"yaml", name, []byte(strings.ReplaceAll(src, "example.com.", name)))
	if len(probs.Errors()) > 0 {
		t.Fatal(probs)
	}
	return z
}

// Converge plans and applies z, then requires a second plan to be empty.
// It returns the first plan.
func Converge(t testing.TB, p provider.Provider, z *model.Zone) *plan.ZonePlan {
	t.Helper()
	ctx := context.Background()
	zp, err := provider.PlanZone(ctx, p, z)
	if err != nil {
		t.Fatalf("plan: %v", err)
	}
	if err := p.Apply(ctx, zp); err != nil {
		t.Fatalf("apply: %v", err)
	}
	again, err := provider.PlanZone(ctx, p, z)
	if err != nil {
		t.Fatalf("second plan: %v", err)
	}
	if !again.Empty() {
		t.Fatalf("second plan is not empty:\n%s", Summary(again))
	}
	return zp
}

// Summary renders a zone plan for failure messages.
func Summary(zp *plan.ZonePlan) string {
	var b strings.Builder
	for _, c := range zp.Changes {
		b.WriteString(string(c.Action) + " " + c.Name + " " + c.Type + "\n")
		for _, n := range c.Native {
			b.WriteString("    " + n + "\n")
		}
	}
	for _, s := range zp.Steps {
		b.WriteString("step: " + s + "\n")
	}
	return b.String()
}

// supports reports whether p, and the backend behind it, can take z,
// logging why not.
func (h Harness) supports(t *testing.T, p provider.Provider, z *model.Zone) bool {
	if probs := provider.Check(p, z); len(probs.Errors()) > 0 {
		t.Logf("skipped: %s", probs.Errors()[0])
		return false
	}
	for _, r := range z.Records {
		for _, c := range plan.Needs(r) {
			if slices.Contains(h.Without, c) {
				t.Logf("skipped: %s %s needs %s, which this backend lacks", r.FQDN(), r.Type, c)
				return false
			}
		}
	}
	return true
}

// lossy reports whether p writes some record of z with less than it
// says (a flattened dynamic record): a step may then change nothing there.
func lossy(p provider.Provider, z *model.Zone) bool {
	caps := p.Capabilities()
	for _, r := range z.Records {
		for _, c := range plan.Needs(r) {
			if caps[c].Warning != "" {
				return true
			}
		}
	}
	return false
}

func converges(t *testing.T, h Harness) {
	p, name := h.New(t), h.zone()
	last := -1 // the step applied last
	for i, s := range Steps {
		z := Parse(t, name, s.Zone)
		if !h.supports(t, p, z) {
			continue
		}
		t.Run(s.Name, func(t *testing.T) {
			zp := Converge(t, p, z)
			if i == 0 && len(zp.Changes) != 4 {
				t.Errorf("%d record changes on an empty zone, want 4:\n%s", len(zp.Changes), Summary(zp))
			}
			if i > 0 && last == i-1 && len(zp.Changes) == 0 && !lossy(p, z) {
				t.Error("the step planned no record change")
			}
		})
		last = i
	}
}

// savedPlan applies a plan after a JSON round trip, as `apply --plan`.
func savedPlan(t *testing.T, h Harness) {
	p, name := h.New(t), h.zone()
	z := Parse(t, name, Steps[0].Zone)
	zp, err := provider.PlanZone(context.Background(), p, z)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(zp)
	if err != nil {
		t.Fatal(err)
	}
	var back plan.ZonePlan
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if err := p.Apply(context.Background(), &back); err != nil {
		t.Fatalf("applying a plan read back from JSON: %v", err)
	}
	Converge(t, p, z)
}

// stalePlan requires a plan to be refused once the zone moved.
func stalePlan(t *testing.T, h Harness) {
	p, name := h.New(t), h.zone()
	Converge(t, p, Parse(t, name, Statics))
	zp, err := provider.PlanZone(context.Background(), p, Parse(t, name, Statics+"new:\n  type: A\n  value: 192.0.2.5\n"))
	if err != nil {
		t.Fatal(err)
	}
	Converge(t, p, Parse(t, name, Statics+"other:\n  type: A\n  value: 192.0.2.6\n"))
	if err := p.Apply(context.Background(), zp); !errors.Is(err, plan.ErrStale) {
		t.Fatalf("applying a stale plan: %v, want plan.ErrStale", err)
	}
}

// capabilities requires what the provider says it cannot take to stop
// the plan, with the record's file and line.
func capabilities(t *testing.T, h Harness) {
	p := h.New(t)
	caps := p.Capabilities()
	src := Statics + Dynamic
	if !slices.Contains(h.Without, plan.Subnets) {
		src += "sub:\n  type: A\n  values: [192.0.2.1]\n  dynamic:\n    pools:\n      a: {values: [{value: 192.0.2.2, status: up}]}\n    rules:\n      - {subnets: [10.0.0.0/8], pool: a}\n      - pool: a\n"
	}
	z := Parse(t, h.zone(), src)
	var missing []plan.Capability
	for _, r := range z.Records {
		for _, c := range plan.Needs(r) {
			if !caps[c].Supported {
				missing = append(missing, c)
			}
		}
	}
	_, err := provider.PlanZone(context.Background(), p, z)
	if len(missing) == 0 {
		if err != nil {
			t.Fatalf("a zone within the capabilities: %v", err)
		}
		return
	}
	if err == nil || !strings.Contains(err.Error(), z.File+":") || !strings.Contains(err.Error(), string(missing[0])) {
		t.Fatalf("lacking %v: got %v, want a problem with file and line", missing, err)
	}
}
