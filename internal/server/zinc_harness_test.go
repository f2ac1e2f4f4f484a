package server

import (
	"context"
	"fmt"
	"log/slog"
	"net/netip"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsr53 "github.com/aws/aws-sdk-go-v2/service/route53"
	"github.com/aws/aws-sdk-go-v2/service/route53/types"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/signpost-dns/signpost/internal/config"
	"github.com/signpost-dns/signpost/internal/model"
	"github.com/signpost-dns/signpost/internal/plan"
	"github.com/signpost-dns/signpost/internal/provider"
	"github.com/signpost-dns/signpost/internal/provider/route53"
	"github.com/signpost-dns/signpost/internal/provider/route53/r53fake"
	"github.com/signpost-dns/signpost/internal/reconcile"
	"github.com/signpost-dns/signpost/internal/server/servertest"
	"github.com/signpost-dns/signpost/internal/source"
	"github.com/signpost-dns/signpost/internal/store"
)

// zincHarness runs store zones through the store source, the Route53
// provider and the reconciler with its store ledger, as serve does, against
// the enforcing fake or the moto emulator.
type zincHarness struct {
	t    *testing.T
	ctx  context.Context
	st   *store.Store
	src  *source.Store
	api  route53.API
	p    *route53.Provider
	rec  *reconcile.Reconciler
	now  time.Time
	zone *store.Zone
	moto bool
	reg  *prometheus.Registry
}

// zincBackends runs f against the fake and, when it runs, moto.
func zincBackends(t *testing.T, f func(t *testing.T, h *zincHarness)) {
	t.Run("fake", func(t *testing.T) { f(t, newZincHarness(t, r53fake.New(), false)) })
	t.Run("moto", func(t *testing.T) {
		_, api := servertest.Route53(t)
		f(t, newZincHarness(t, api, true))
	})
}

func newZincHarness(t *testing.T, api route53.API, moto bool) *zincHarness {
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "signpost.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	cfg := config.Default()
	cfg.Policies.Healthcheck.Host = "node.example.net"
	h := &zincHarness{t: t, ctx: ctx, st: st, api: api, moto: moto, now: time.Unix(1_800_000_000, 0)}
	h.src = source.NewStore(st, regions(&cfg), policyCheck(&cfg), 0)
	h.p = route53.New(route53.Options{Name: "r53", API: api, RPS: 1e6, IPChecks: &ipChecks{st: st, provider: "r53"},
		Sleep: func(context.Context, time.Duration) error { return nil }})
	led := &ledger{st: st, log: slog.New(slog.DiscardHandler), changed: h.src.Changed,
		state: func() *State { return &State{Providers: map[string]provider.Provider{"r53": h.p}} }}
	h.reg = prometheus.NewRegistry()
	h.rec = reconcile.New(reconcile.Options{Ledger: led, Now: func() time.Time { return h.now }, DriftInterval: time.Hour, Registerer: h.reg})
	h.zone = &store.Zone{Root: h.root("test-zinc.net."), Targets: []string{"r53"}}
	h.write(func(tx *store.Tx) error { return tx.CreateZone(ctx, h.zone) })
	h.sync() // creates the hosted zone
	// zinc's fixture: a record nobody in the store made, left alone.
	h.send(types.ChangeActionCreate, rrset("test."+h.zone.Root, "A", 300, "127.0.0.1"))
	return h
}

// root is a zone name of the test's own: on moto, which other tests share,
// made unique.
func (h *zincHarness) root(name string) string {
	if h.moto {
		return fmt.Sprintf("z%d.%s", time.Now().UnixNano(), name)
	}
	return name
}

// write commits a store write; the source's next read sees it.
func (h *zincHarness) write(fn func(tx *store.Tx) error) {
	h.t.Helper()
	if err := h.st.Update(h.ctx, fn); err != nil {
		h.t.Fatal(err)
	}
}

// targets builds the store zones as a reload would.
func (h *zincHarness) targets() []provider.Target {
	h.t.Helper()
	zones, _, err := h.src.Zones(h.ctx)
	if err != nil {
		h.t.Fatal(err)
	}
	var out []provider.Target
	for _, z := range zones {
		if len(z.Managed.Targets) > 0 {
			out = append(out, provider.Target{Zone: z, Provider: h.p})
		}
	}
	return out
}

// sync runs one reconcile pass an hour after the last, so that no backoff
// holds it, and returns its error.
func (h *zincHarness) sync() error {
	h.now = h.now.Add(time.Hour)
	return h.rec.RunOnce(h.ctx, h.targets())
}

// plan plans every store zone.
func (h *zincHarness) plan() *plan.Plan {
	h.t.Helper()
	p, err := reconcile.Plan(h.ctx, h.targets())
	if err != nil {
		h.t.Fatal(err)
	}
	return p
}

// converged fails unless a second plan has nothing to do.
func (h *zincHarness) converged() {
	h.t.Helper()
	if p := h.plan(); !p.Empty() {
		var b strings.Builder
		p.Print(&b, true)
		h.t.Fatalf("a second plan is not empty:\n%s", b.String())
	}
}

// sets lists the hosted zone's record sets but the apex SOA and NS, one
// line each, sorted; health check ids are shown as the IP they check.
func (h *zincHarness) sets() []string {
	h.t.Helper()
	id := h.zoneID()
	out, err := readAgain(func() (*awsr53.ListResourceRecordSetsOutput, error) {
		return h.api.ListResourceRecordSets(h.ctx, &awsr53.ListResourceRecordSetsInput{HostedZoneId: aws.String(id), MaxItems: aws.Int32(300)})
	})
	if err != nil {
		h.t.Fatal(err)
	}
	checks := h.checkIPs()
	var lines []string
	for _, s := range out.ResourceRecordSets {
		name := strings.TrimSuffix(strings.TrimSuffix(aws.ToString(s.Name), "."), strings.TrimSuffix("."+h.zone.Root, "."))
		if name == strings.TrimSuffix(h.zone.Root, ".") && (s.Type == types.RRTypeSoa || s.Type == types.RRTypeNs) {
			continue
		}
		lines = append(lines, describeSet(name, s, checks))
	}
	slices.Sort(lines)
	return lines
}

func describeSet(name string, s types.ResourceRecordSet, checks map[string]string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s", name, s.Type)
	if s.SetIdentifier != nil {
		fmt.Fprintf(&b, " id=%s", aws.ToString(s.SetIdentifier))
	}
	if s.TTL != nil {
		fmt.Fprintf(&b, " ttl=%d", aws.ToInt64(s.TTL))
	}
	for _, rr := range s.ResourceRecords {
		fmt.Fprintf(&b, " %s", aws.ToString(rr.Value))
	}
	if s.Weight != nil {
		fmt.Fprintf(&b, " w=%d", aws.ToInt64(s.Weight))
	}
	if s.Region != "" {
		fmt.Fprintf(&b, " region=%s", s.Region)
	}
	if a := s.AliasTarget; a != nil {
		fmt.Fprintf(&b, " alias=%s eth=%v", strings.Split(aws.ToString(a.DNSName), ".")[0], a.EvaluateTargetHealth)
	}
	if s.HealthCheckId != nil {
		ip := checks[aws.ToString(s.HealthCheckId)]
		if ip == "" {
			ip = "unknown:" + aws.ToString(s.HealthCheckId)
		}
		fmt.Fprintf(&b, " hc=%s", ip)
	}
	return b.String()
}

// checkIPs maps each health check id of the account to its IP.
func (h *zincHarness) checkIPs() map[string]string {
	out, err := readAgain(func() (*awsr53.ListHealthChecksOutput, error) {
		return h.api.ListHealthChecks(h.ctx, &awsr53.ListHealthChecksInput{})
	})
	if err != nil {
		h.t.Fatal(err)
	}
	m := map[string]string{}
	for _, hc := range out.HealthChecks {
		m[aws.ToString(hc.Id)] = aws.ToString(hc.HealthCheckConfig.IPAddress)
	}
	return m
}

func (h *zincHarness) zoneID() string {
	out, err := readAgain(func() (*awsr53.ListHostedZonesByNameOutput, error) {
		return h.api.ListHostedZonesByName(h.ctx, &awsr53.ListHostedZonesByNameInput{DNSName: aws.String(h.zone.Root)})
	})
	if err != nil {
		h.t.Fatal(err)
	}
	for _, z := range out.HostedZones {
		if aws.ToString(z.Name) == h.zone.Root {
			return strings.TrimPrefix(aws.ToString(z.Id), "/hostedzone/")
		}
	}
	return ""
}

// send changes the hosted zone behind signpost's back.
func (h *zincHarness) send(action types.ChangeAction, s types.ResourceRecordSet) {
	h.t.Helper()
	h.sendTo(h.zoneID(), action, s)
}

// readAgain asks a read again when moto's 2xx reply was cut off
// (aws/aws-sdk-go-v2#2737), as the provider's own calls do.
func readAgain[T any](read func() (T, error)) (T, error) {
	for attempt := 1; ; attempt++ {
		out, err := read()
		if err == nil || !route53.CutOff(err) || attempt == 3 {
			return out, err
		}
	}
}

func rrset(name, typ string, ttl int64, values ...string) types.ResourceRecordSet {
	s := types.ResourceRecordSet{Name: aws.String(name), Type: types.RRType(typ), TTL: aws.Int64(ttl)}
	for _, v := range values {
		s.ResourceRecords = append(s.ResourceRecords, types.ResourceRecord{Value: aws.String(v)})
	}
	return s
}

// ip adds an enabled IP.
func (h *zincHarness) ip(addrs ...string) {
	h.write(func(tx *store.Tx) error {
		for _, a := range addrs {
			if err := tx.CreateIP(h.ctx, &model.IP{Address: netip.MustParseAddr(a), Enabled: true}); err != nil {
				return err
			}
		}
		return nil
	})
}

// policy adds a policy; members are "address region weight" and get ids
// m-{policy}-{n}.
func (h *zincHarness) policy(name string, routing model.Routing, members ...string) *model.Policy {
	p := &model.Policy{ID: "p-" + name, Name: name, Routing: routing, TTL: 30}
	for i, m := range members {
		var addr, region string
		var w int
		fmt.Sscanf(m, "%s %s %d", &addr, &region, &w)
		p.Members = append(p.Members, model.Member{ID: fmt.Sprintf("m-%s-%d", name, i+1), IP: netip.MustParseAddr(addr), Region: region, Weight: w, Enabled: true})
	}
	h.write(func(tx *store.Tx) error { return tx.CreatePolicy(h.ctx, p) })
	return p
}

// record adds a store record; a policy record names its policy.
func (h *zincHarness) record(name, typ string, ttl uint32, values ...string) *store.Record {
	r := &store.Record{ZoneID: h.zone.ID, Name: name, Type: typ, TTL: ttl, Values: values}
	h.write(func(tx *store.Tx) error { return tx.CreateRecord(h.ctx, r) })
	return r
}

// stored reads a record back (nil when gone).
func (h *zincHarness) stored(id string) *store.Record {
	var r *store.Record
	_ = h.st.View(h.ctx, func(tx *store.Tx) (err error) { r, err = tx.Record(h.ctx, id); return err })
	return r
}

// want compares the hosted zone with lines, listed in any order.
func (h *zincHarness) want(lines ...string) {
	h.t.Helper()
	got := h.sets()
	slices.Sort(lines)
	if !slices.Equal(got, lines) {
		h.t.Errorf("hosted zone:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(lines, "\n  "))
	}
}

// mustSync runs a pass that must succeed, then requires a second plan to
// be empty.
func (h *zincHarness) mustSync() {
	h.t.Helper()
	if err := h.sync(); err != nil {
		h.t.Fatal(err)
	}
	h.converged()
}

// drift is signpost_reconcile_drift_total for the harness's zone.
func (h *zincHarness) drift() float64 {
	n, err := testutil.GatherAndCount(h.reg, "signpost_reconcile_drift_total")
	if err != nil || n == 0 {
		return 0
	}
	mfs, _ := h.reg.Gather()
	for _, mf := range mfs {
		if mf.GetName() == "signpost_reconcile_drift_total" {
			for _, m := range mf.GetMetric() {
				for _, l := range m.GetLabel() {
					if l.GetName() == "zone" && l.GetValue() == h.zone.Root {
						return m.GetCounter().GetValue()
					}
				}
			}
		}
	}
	return 0
}

// events lists the kinds of the events about subject.
func (h *zincHarness) events(kind string) []string {
	var out []string
	_ = h.st.View(h.ctx, func(tx *store.Tx) error {
		evs, err := tx.Events(h.ctx, 0, 1000)
		for _, e := range evs {
			if e.Kind == kind {
				out = append(out, string(e.After))
			}
		}
		return err
	})
	return out
}
