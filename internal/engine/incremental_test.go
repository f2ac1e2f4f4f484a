package engine_test

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/miekg/dns"

	"github.com/signpost-dns/signpost/internal/engine"
	"github.com/signpost-dns/signpost/internal/model"
	"github.com/signpost-dns/signpost/internal/zonefile"
)

// parseZone parses a zone and gives it a token of its own, as sources do.
func parseZone(t *testing.T, name, src string) *model.Zone {
	t.Helper()
	z, probs := zonefile.Parse(name+"yaml", name, []byte(src))
	if len(probs.Errors()) > 0 {
		t.Fatal(probs)
	}
	z.Token = rand.Uint64() | 1
	return z
}

const checked = `'':
  type: NS
  values: [ns1.example.net.]
www:
  type: A
  values: [192.0.2.9]
  octodns:
    healthcheck: {protocol: TCP, port: 80}
  dynamic:
    pools:
      p: {values: [{value: 192.0.2.1}, {value: 192.0.2.2}]}
    rules: [{pool: p}]
`

func soaSerial(t *testing.T, table *engine.Table, zone string) uint32 {
	t.Helper()
	var resp engine.Response
	table.Answer(&engine.Query{Name: zone, Type: dns.TypeSOA}, engine.AllUp{}, &seqRand{vals: []int{0}}, &resp, nil)
	if len(resp.Answer) != 1 {
		t.Fatalf("SOA of %s: %v", zone, resp.Answer)
	}
	return record(resp.Answer[0]).(*dns.SOA).Serial
}

func liveTargets(table *engine.Table) []string {
	var out []string
	for _, tg := range table.Targets() {
		if tg.Key != "" {
			out = append(out, tg.Address)
		}
	}
	slices.Sort(out)
	return out
}

// TestCompileReusesUnchangedZones: a zone that is the same *model.Zone is
// reused (its serial stays), a changed zone is compiled anew; target ids
// stay put, and a target nothing uses any more becomes a hole nobody
// probes.
func TestCompileReusesUnchangedZones(t *testing.T) {
	a := parseZone(t, "a.test.", checked)
	b := parseZone(t, "b.test.", checked)
	t1, _ := engine.Compile([]*model.Zone{a, b}, engine.Options{Serial: 1})
	if got := liveTargets(t1); !slices.Equal(got, []string{"192.0.2.1", "192.0.2.2"}) {
		t.Fatalf("targets %v", got)
	}
	shared := t1.Targets()[0]
	if !slices.Equal(shared.Records, []string{"www.a.test. A", "www.b.test. A"}) {
		t.Errorf("a target two zones share lists %v", shared.Records)
	}

	// Zone b drops 192.0.2.2 and takes 192.0.2.3; zone a is the same.
	b2 := parseZone(t, "b.test.", strings.Replace(checked, "{value: 192.0.2.2}", "{value: 192.0.2.3}", 1))
	t2, probs := engine.Compile([]*model.Zone{a, b2}, engine.Options{Serial: 2, Prev: t1})
	if len(probs.Errors()) > 0 {
		t.Fatal(probs)
	}
	if s := soaSerial(t, t2, "a.test."); s != 1 {
		t.Errorf("the unchanged zone's serial is %d, want 1 (reused)", s)
	}
	if s := soaSerial(t, t2, "b.test."); s != 2 {
		t.Errorf("the changed zone's serial is %d, want 2", s)
	}
	anon := *a
	anon.Token = 0 // a zone whose builder gave no token is never taken for unchanged
	if tz, _ := engine.Compile([]*model.Zone{&anon, b2}, engine.Options{Serial: 9, Prev: t2}); soaSerial(t, tz, "a.test.") != 9 {
		t.Error("a zone without a token was reused")
	}
	if got := liveTargets(t2); !slices.Equal(got, []string{"192.0.2.1", "192.0.2.2", "192.0.2.3"}) {
		t.Errorf("targets %v: zone a still probes 192.0.2.2", got)
	}
	if t2.Targets()[0].Key != t1.Targets()[0].Key {
		t.Error("target ids moved")
	}
	if got := t2.Targets()[1].Records; !slices.Equal(got, []string{"www.a.test. A"}) {
		t.Errorf("192.0.2.2 is used by %v, want only zone a's record", got)
	}

	// Zone a drops 192.0.2.2 too: its id becomes a hole.
	a3 := parseZone(t, "a.test.", strings.Replace(checked, "{value: 192.0.2.2}", "{value: 192.0.2.3}", 1))
	t3, _ := engine.Compile([]*model.Zone{a3, b2}, engine.Options{Serial: 3, Prev: t2})
	if got := liveTargets(t3); !slices.Equal(got, []string{"192.0.2.1", "192.0.2.3"}) {
		t.Errorf("targets %v, want 192.0.2.2 gone", got)
	}
	if len(t3.Targets()) != 3 || t3.Targets()[1].Key != "" {
		t.Errorf("the dropped target should be a hole at its id: %+v", t3.Targets())
	}
	var resp engine.Response
	for _, z := range []string{"www.a.test.", "www.b.test."} {
		t3.Answer(&engine.Query{Name: z, Type: dns.TypeA}, engine.AllUp{}, &seqRand{vals: []int{1}}, &resp, nil)
		if got := values(&resp); !slices.Equal(got, []string{"192.0.2.3"}) {
			t.Errorf("%s answers %v", z, got)
		}
	}
}

// TestCompileKeepsThePreviousTablesTargets: a reused zone lends its
// target's record list to the next table; what another zone adds there
// must not show in the previous table, which is still being served.
func TestCompileKeepsThePreviousTablesTargets(t *testing.T) {
	rec := func(name string) string {
		return name + ":\n  type: A\n  values: [192.0.2.9]\n  octodns:\n    healthcheck: {protocol: TCP, port: 80}\n" +
			"  dynamic:\n    pools:\n      p: {values: [{value: 192.0.2.1}]}\n    rules: [{pool: p}]\n"
	}
	a := parseZone(t, "a.test.", rec("x")+rec("y")+rec("z")) // three records: a list with room to spare
	b := parseZone(t, "b.test.", rec("www"))
	t1, _ := engine.Compile([]*model.Zone{a, b}, engine.Options{Serial: 1})
	want1 := []string{"x.a.test. A", "y.a.test. A", "z.a.test. A", "www.b.test. A"}
	if got := t1.Targets()[0].Records; !slices.Equal(got, want1) {
		t.Fatalf("records %v", got)
	}
	b2 := parseZone(t, "b.test.", rec("other"))
	t2, _ := engine.Compile([]*model.Zone{a, b2}, engine.Options{Serial: 2, Prev: t1})
	if got := t2.Targets()[0].Records; !slices.Equal(got, []string{"x.a.test. A", "y.a.test. A", "z.a.test. A", "other.b.test. A"}) {
		t.Errorf("the next table's records %v", got)
	}
	if got := t1.Targets()[0].Records; !slices.Equal(got, want1) {
		t.Errorf("the previous table's records became %v", got)
	}
}
