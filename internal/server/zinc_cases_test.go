package server

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsr53 "github.com/aws/aws-sdk-go-v2/service/route53"
	"github.com/aws/aws-sdk-go-v2/service/route53/types"

	"github.com/signpost-dns/signpost/internal/model"
	"github.com/signpost-dns/signpost/internal/provider/route53"
	"github.com/signpost-dns/signpost/internal/store"
)

// zinc's acceptance cases (reference §6), each pushed by the reconciler
// and followed by a second plan of zero changes. Addresses are loopback:
// nothing probes them here, and nothing ever will from a test.

const fixture = "test A ttl=300 127.0.0.1" // zinc's base zone record, not the store's

func TestZincCase01WeightedOneMember(t *testing.T) {
	zincBackends(t, func(t *testing.T, h *zincHarness) {
		h.ip("127.0.3.1")
		h.policy("p", model.RoutingWeighted, "127.0.3.1 us-east-1 10")
		r := h.record("x", "POLICY_ROUTED", 0, "p-p")
		if got := h.stored(r.ID); !got.Dirty {
			t.Error("a new policy record is not dirty")
		}
		h.mustSync()
		h.want(fixture,
			"_zn_p A id=m-p-1-us-east-1 ttl=30 127.0.3.1 w=10 hc=127.0.3.1",
			"x A alias=_zn_p eth=false")
		if got := h.stored(r.ID); got.Dirty || got.Error != "" {
			t.Errorf("after the push: dirty %v, error %q", got.Dirty, got.Error)
		}
	})
}

func TestZincCase02And03Latency(t *testing.T) {
	zincBackends(t, func(t *testing.T, h *zincHarness) {
		h.ip("127.0.3.1", "127.0.3.2", "127.0.3.3", "127.0.3.4", "127.0.3.5", "127.0.3.6")
		h.policy("p", model.RoutingLatency, "127.0.3.1 us-east-1 10", "127.0.3.2 eu-west-1 10",
			"127.0.3.3 us-east-1 20", "127.0.3.4 eu-west-1 10", "127.0.3.5 us-east-1 10", "127.0.3.6 eu-west-1 30")
		h.record("@", "POLICY_ROUTED", 0, "p-p")
		h.mustSync()
		h.want(fixture,
			"_zn_p A id=eu-west-1 region=eu-west-1 alias=_zn_p_eu-west-1 eth=true",
			"_zn_p A id=us-east-1 region=us-east-1 alias=_zn_p_us-east-1 eth=true",
			"_zn_p_eu-west-1 A id=m-p-2-eu-west-1 ttl=30 127.0.3.2 w=10 hc=127.0.3.2",
			"_zn_p_eu-west-1 A id=m-p-4-eu-west-1 ttl=30 127.0.3.4 w=10 hc=127.0.3.4",
			"_zn_p_eu-west-1 A id=m-p-6-eu-west-1 ttl=30 127.0.3.6 w=30 hc=127.0.3.6",
			"_zn_p_us-east-1 A id=m-p-1-us-east-1 ttl=30 127.0.3.1 w=10 hc=127.0.3.1",
			"_zn_p_us-east-1 A id=m-p-3-us-east-1 ttl=30 127.0.3.3 w=20 hc=127.0.3.3",
			"_zn_p_us-east-1 A id=m-p-5-us-east-1 ttl=30 127.0.3.5 w=10 hc=127.0.3.5",
			h.apex()+" A alias=_zn_p eth=false")
	})
}

func TestZincCase04NoUsableMember(t *testing.T) {
	zincBackends(t, func(t *testing.T, h *zincHarness) {
		h.ip("127.0.3.1")
		h.policy("empty", model.RoutingWeighted)
		h.policy("off", model.RoutingWeighted, "127.0.3.1 us-east-1 10")
		h.write(func(tx *store.Tx) error {
			return tx.UpdateIP(h.ctx, &model.IP{Address: netip.MustParseAddr("127.0.3.1"), Enabled: false})
		})
		a := h.record("a", "POLICY_ROUTED", 0, "p-empty")
		b := h.record("b", "POLICY_ROUTED", 0, "p-off")
		h.record("plain", "A", 300, "127.0.0.2")
		if err := h.sync(); err == nil {
			t.Error("a pass with records that cannot be applied reported no error")
		}
		h.want(fixture, "plain A ttl=300 127.0.0.2") // the rest of the zone went
		for _, r := range []*store.Record{a, b} {
			got := h.stored(r.ID)
			if !got.Dirty || !strings.Contains(got.Error, "can't be applied") {
				t.Errorf("%s: dirty %v, error %q; want dirty with zinc's message", r.Name, got.Dirty, got.Error)
			}
		}
	})
}

func TestZincCase05And07TwoRecordsOnePolicy(t *testing.T) {
	zincBackends(t, func(t *testing.T, h *zincHarness) {
		h.ip("127.0.3.1")
		h.policy("p", model.RoutingWeighted, "127.0.3.1 us-east-1 10")
		apex := h.record("@", "POLICY_ROUTED", 0, "p-p")
		cdn := h.record("cdn", "POLICY_ROUTED", 0, "p-p")
		h.mustSync()
		tree := "_zn_p A id=m-p-1-us-east-1 ttl=30 127.0.3.1 w=10 hc=127.0.3.1"
		h.want(fixture, tree, h.apex()+" A alias=_zn_p eth=false", "cdn A alias=_zn_p eth=false")
		// Case 7: deleting one of two keeps the tree; deleting the last
		// removes it, and the rows go once pushed.
		h.write(func(tx *store.Tx) error { return tx.DeleteRecord(h.ctx, cdn.ID) })
		h.mustSync()
		h.want(fixture, tree, h.apex()+" A alias=_zn_p eth=false")
		h.write(func(tx *store.Tx) error { return tx.DeleteRecord(h.ctx, apex.ID) })
		h.mustSync()
		h.want(fixture)
		h.st.View(h.ctx, func(tx *store.Tx) error {
			if gone, _ := tx.Tombstones(h.ctx, h.zone.ID); len(gone) != 0 {
				t.Errorf("%d deleted records kept after their deletion was pushed", len(gone))
			}
			return nil
		})
	})
}

func TestZincCase06TwoPolicies(t *testing.T) {
	zincBackends(t, func(t *testing.T, h *zincHarness) {
		h.ip("127.0.3.1", "127.0.3.2")
		h.policy("one", model.RoutingWeighted, "127.0.3.1 us-east-1 10")
		h.policy("two", model.RoutingWeighted, "127.0.3.2 eu-west-1 10")
		h.record("a", "POLICY_ROUTED", 0, "p-one")
		h.mustSync()
		before := h.changeCalls()
		h.record("b", "POLICY_ROUTED", 0, "p-two")
		h.mustSync()
		h.want(fixture,
			"_zn_one A id=m-one-1-us-east-1 ttl=30 127.0.3.1 w=10 hc=127.0.3.1",
			"_zn_two A id=m-two-1-eu-west-1 ttl=30 127.0.3.2 w=10 hc=127.0.3.2",
			"a A alias=_zn_one eth=false", "b A alias=_zn_two eth=false")
		if n := h.changeCalls() - before; n != 1 {
			t.Errorf("adding a second policy record took %d change batches, want 1", n)
		}
	})
}

func TestZincCase08WeightZero(t *testing.T) {
	zincBackends(t, func(t *testing.T, h *zincHarness) {
		h.ip("127.0.3.1", "127.0.3.2")
		h.policy("p", model.RoutingWeighted, "127.0.3.1 us-east-1 0", "127.0.3.2 us-east-1 10")
		h.record("x", "POLICY_ROUTED", 0, "p-p")
		h.mustSync()
		h.want(fixture,
			"_zn_p A id=m-p-1-us-east-1 ttl=30 127.0.3.1 w=0 hc=127.0.3.1",
			"_zn_p A id=m-p-2-us-east-1 ttl=30 127.0.3.2 w=10 hc=127.0.3.2",
			"x A alias=_zn_p eth=false")
	})
}

func TestZincCase10StrayAndCase13Drift(t *testing.T) {
	zincBackends(t, func(t *testing.T, h *zincHarness) {
		h.onePolicy()
		// A stray leaf with a foreign SetIdentifier, a hand-edited leaf
		// (TTL 666, no check), and a deleted health check.
		stray := rrset("_zn_p."+h.zone.Root, "A", 30, "127.0.3.9")
		stray.SetIdentifier, stray.Weight = aws.String("foreign-us-east-1"), aws.Int64(5)
		h.send(types.ChangeActionCreate, stray)
		leaf := rrset("_zn_p."+h.zone.Root, "A", 666, "127.0.3.1")
		leaf.SetIdentifier, leaf.Weight = aws.String("m-p-1-us-east-1"), aws.Int64(10)
		h.send(types.ChangeActionUpsert, leaf)
		h.mustSync()
		h.want(fixture, "_zn_p A id=m-p-1-us-east-1 ttl=30 127.0.3.1 w=10 hc=127.0.3.1", "x A alias=_zn_p eth=false")
		if d := h.drift(); d < 1 {
			t.Errorf("signpost_reconcile_drift_total = %v after a stray and an edited leaf", d)
		}
		if evs := h.events("reconcile.drift"); len(evs) != 1 || !strings.Contains(evs[0], "foreign-us-east-1") || !strings.Contains(evs[0], "666") {
			t.Errorf("drift events %q: want one naming the stray and the edited leaf", evs)
		}
		old := h.leafCheck()
		h.send(types.ChangeActionUpsert, withoutCheck(leaf))
		if _, err := h.api.DeleteHealthCheck(h.ctx, &awsr53.DeleteHealthCheckInput{HealthCheckId: aws.String(old)}); err != nil && !route53.CutOff(err) {
			t.Fatal(err)
		}
		h.mustSync()
		if now := h.leafCheck(); now == "" || now == old {
			t.Errorf("after its check was deleted the leaf points at %q (was %q)", now, old)
		}
	})
}

// withoutCheck is a leaf as a hand edit left it: right TTL, no check.
func withoutCheck(leaf types.ResourceRecordSet) types.ResourceRecordSet {
	leaf.TTL = aws.Int64(30)
	return leaf
}

// leafCheck is the health check id of the one leaf of policy p.
func (h *zincHarness) leafCheck() string {
	out, err := readAgain(func() (*awsr53.ListResourceRecordSetsOutput, error) {
		return h.api.ListResourceRecordSets(h.ctx, &awsr53.ListResourceRecordSetsInput{HostedZoneId: aws.String(h.zoneID())})
	})
	if err != nil {
		h.t.Fatal(err)
	}
	for _, s := range out.ResourceRecordSets {
		if strings.HasPrefix(aws.ToString(s.Name), "_zn_p.") {
			return aws.ToString(s.HealthCheckId)
		}
	}
	return ""
}

func TestZincCase11SwitchPolicy(t *testing.T) {
	zincBackends(t, func(t *testing.T, h *zincHarness) {
		h.ip("127.0.3.1", "127.0.3.2")
		h.policy("policy1", model.RoutingWeighted, "127.0.3.1 us-east-1 10")
		h.policy("policy2", model.RoutingWeighted, "127.0.3.2 us-east-1 10")
		r := h.record("x", "POLICY_ROUTED", 0, "p-policy1")
		h.mustSync()
		r.Values = []string{"p-policy2"}
		h.write(func(tx *store.Tx) error { return tx.UpdateRecord(h.ctx, r) })
		h.mustSync()
		h.want(fixture, "_zn_policy2 A id=m-policy2-1-us-east-1 ttl=30 127.0.3.2 w=10 hc=127.0.3.2", "x A alias=_zn_policy2 eth=false")
	})
}

func TestZincCase12ClashWithCNAME(t *testing.T) {
	zincBackends(t, func(t *testing.T, h *zincHarness) {
		if h.moto {
			t.Skip("moto accepts an A record set beside a CNAME; Route53 and the fake refuse it")
		}
		h.send(types.ChangeActionCreate, rrset("www."+h.zone.Root, "CNAME", 300, "elsewhere.example.net"))
		h.ip("127.0.3.1")
		h.policy("p", model.RoutingWeighted, "127.0.3.1 us-east-1 10")
		www := h.record("www", "POLICY_ROUTED", 0, "p-p")
		ok := h.record("ok", "POLICY_ROUTED", 0, "p-p")
		if err := h.sync(); err == nil {
			t.Error("a pass with a clashing record reported no error")
		}
		if got := h.stored(www.ID); !got.Dirty || got.Error == "" {
			t.Errorf("the clashing record: dirty %v, error %q; want dirty with AWS's error", got.Dirty, got.Error)
		}
		if got := h.stored(ok.ID); got.Dirty {
			t.Errorf("the other record stayed dirty: %q", got.Error)
		}
		h.want(fixture, "_zn_p A id=m-p-1-us-east-1 ttl=30 127.0.3.1 w=10 hc=127.0.3.1", "ok A alias=_zn_p eth=false",
			"www CNAME ttl=300 elsewhere.example.net")
		// It can still be deleted (zinc #258), and the CNAME, not ours, stays.
		h.write(func(tx *store.Tx) error { return tx.DeleteRecord(h.ctx, www.ID) })
		h.mustSync()
		h.want(fixture, "_zn_p A id=m-p-1-us-east-1 ttl=30 127.0.3.1 w=10 hc=127.0.3.1", "ok A alias=_zn_p eth=false",
			"www CNAME ttl=300 elsewhere.example.net")
	})
}

func TestZincCase14NoopIsEmpty(t *testing.T) {
	zincBackends(t, func(t *testing.T, h *zincHarness) {
		h.onePolicy()
		before := h.changeCalls()
		h.mustSync()
		if n := h.changeCalls() - before; n != 0 {
			t.Errorf("an unchanged zone sent %d change batches", n)
		}
	})
}

func TestZincCase15IPv6Mix(t *testing.T) {
	zincBackends(t, func(t *testing.T, h *zincHarness) {
		h.ip("::ffff:127.0.4.1", "::ffff:127.0.4.2", "127.0.4.3", "::ffff:127.0.4.4")
		p := h.policy("p", model.RoutingLatency, "::ffff:127.0.4.1 us-east-1 10", "::ffff:127.0.4.2 us-east-1 10",
			"127.0.4.3 us-east-1 10", "::ffff:127.0.4.4 eu-west-1 10")
		p.TTL = 60
		h.write(func(tx *store.Tx) error { return tx.UpdatePolicy(h.ctx, p) })
		h.record("x", "POLICY_ROUTED", 0, "p-p")
		h.record("x", "POLICY_ROUTED_IPv6", 0, "p-p")
		h.mustSync()
		h.want(fixture,
			"_zn_p A id=us-east-1 region=us-east-1 alias=_zn_p_us-east-1 eth=true",
			"_zn_p AAAA id=eu-west-1 region=eu-west-1 alias=_zn_p_eu-west-1 eth=true",
			"_zn_p AAAA id=us-east-1 region=us-east-1 alias=_zn_p_us-east-1 eth=true",
			"_zn_p_eu-west-1 AAAA id=m-p-4-eu-west-1 ttl=60 ::ffff:127.0.4.4 w=10 hc=::ffff:127.0.4.4",
			"_zn_p_us-east-1 A id=m-p-3-us-east-1 ttl=60 127.0.4.3 w=10 hc=127.0.4.3",
			"_zn_p_us-east-1 AAAA id=m-p-1-us-east-1 ttl=60 ::ffff:127.0.4.1 w=10 hc=::ffff:127.0.4.1",
			"_zn_p_us-east-1 AAAA id=m-p-2-us-east-1 ttl=60 ::ffff:127.0.4.2 w=10 hc=::ffff:127.0.4.2",
			"x A alias=_zn_p eth=false", "x AAAA alias=_zn_p eth=false")
	})
}

func TestZincCase16DirtyPropagation(t *testing.T) {
	zincBackends(t, func(t *testing.T, h *zincHarness) {
		h.ip("127.0.3.1", "127.0.3.2")
		one := h.policy("one", model.RoutingWeighted, "127.0.3.1 us-east-1 10")
		h.policy("two", model.RoutingWeighted, "127.0.3.2 us-east-1 10")
		a := h.record("a", "POLICY_ROUTED", 0, "p-one")
		b := h.record("b", "POLICY_ROUTED", 0, "p-one")
		c := h.record("c", "POLICY_ROUTED", 0, "p-two")
		h.mustSync()
		dirty := func() (out []string) {
			for _, r := range []*store.Record{a, b, c} {
				if h.stored(r.ID).Dirty {
					out = append(out, r.Name)
				}
			}
			return out
		}
		one.Members[0].Weight = 20
		h.write(func(tx *store.Tx) error { return tx.UpdatePolicy(h.ctx, one) })
		if got := strings.Join(dirty(), ","); got != "a,b" {
			t.Errorf("after a member's weight changed, dirty: %s; want a,b", got)
		}
		h.mustSync()
		h.write(func(tx *store.Tx) error {
			return tx.UpdateIP(h.ctx, &model.IP{Address: netip.MustParseAddr("127.0.3.2"), Enabled: true, Hostname: "two"})
		})
		if got := strings.Join(dirty(), ","); got != "c" {
			t.Errorf("after an IP of policy two changed, dirty: %s; want c", got)
		}
	})
}

func TestZincCase17CheckReplaced(t *testing.T) {
	zincBackends(t, func(t *testing.T, h *zincHarness) {
		h.onePolicy()
		old := h.leafCheck()
		hc := model.Healthcheck{Protocol: "TCP", Port: 8443}
		h.write(func(tx *store.Tx) error {
			return tx.UpdateIP(h.ctx, &model.IP{Address: netip.MustParseAddr("127.0.3.1"), Enabled: true, Healthcheck: &hc})
		})
		h.mustSync()
		now := h.leafCheck()
		if now == "" || now == old {
			t.Fatalf("a changed check config: the leaf points at %q (was %q)", now, old)
		}
		if _, err := h.api.GetHealthCheck(h.ctx, &awsr53.GetHealthCheckInput{HealthCheckId: aws.String(old)}); err == nil {
			t.Error("the replaced check was not deleted")
		}
	})
}

func TestZincCase18Zones(t *testing.T) {
	zincBackends(t, func(t *testing.T, h *zincHarness) {
		h.record("plain", "A", 300, "127.0.0.2")
		h.mustSync()
		// Deleted out of band: made again.
		id := h.zoneID()
		h.send(types.ChangeActionDelete, rrset("test."+h.zone.Root, "A", 300, "127.0.0.1"))
		h.send(types.ChangeActionDelete, rrset("plain."+h.zone.Root, "A", 300, "127.0.0.2"))
		if _, err := h.api.DeleteHostedZone(h.ctx, &awsr53.DeleteHostedZoneInput{Id: aws.String(id)}); err != nil && !route53.CutOff(err) {
			t.Fatal(err)
		}
		h.mustSync()
		if again := h.zoneID(); again == "" || again == id {
			t.Fatalf("a zone deleted out of band: now %q (was %q)", again, id)
		}
		h.want("plain A ttl=300 127.0.0.2")
		h.send(types.ChangeActionCreate, rrset("extra."+h.zone.Root, "A", 300, "127.0.0.3"))
		// Deleting removes every record, then the zone, then the row.
		h.write(func(tx *store.Tx) error { return tx.DeleteZone(h.ctx, h.zone.ID) })
		if err := h.sync(); err != nil {
			t.Fatal(err)
		}
		if id := h.zoneID(); id != "" {
			t.Errorf("the hosted zone %s is still there", id)
		}
		h.st.View(h.ctx, func(tx *store.Tx) error {
			if gone, _ := tx.DeletedZones(h.ctx); len(gone) != 0 {
				t.Errorf("the deleted zone's row is still there: %+v", gone[0])
			}
			return nil
		})
	})
}

func (h *zincHarness) apex() string { return strings.TrimSuffix(h.zone.Root, ".") }

// changeCalls counts the ChangeResourceRecordSets calls made so far.
func (h *zincHarness) changeCalls() int { return h.p.Calls()["ChangeResourceRecordSets"] }

// onePolicy pushes zinc's smallest tree: policy p with one member on
// 127.0.3.1 and policy record x.
func (h *zincHarness) onePolicy() {
	h.ip("127.0.3.1")
	h.policy("p", model.RoutingWeighted, "127.0.3.1 us-east-1 10")
	h.record("x", "POLICY_ROUTED", 0, "p-p")
	h.mustSync()
}

// TestZincCase19PostNeverOverwrites: a record created in the store is sent
// as CREATE, so a record of that name and type already in the hosted zone
// (somebody else's) is never overwritten: the new record stays dirty with
// AWS's error. A PATCH is an UPSERT and then takes the name over.
func TestZincCase19PostNeverOverwrites(t *testing.T) {
	zincBackends(t, func(t *testing.T, h *zincHarness) {
		if h.moto {
			t.Skip("moto accepts a CREATE of a record set that exists (and then holds both); Route53 and the fake refuse it")
		}
		r := h.record("test", "A", 60, "127.0.0.9")
		if err := h.sync(); err == nil {
			t.Error("a CREATE over an existing record reported no error")
		}
		h.want(fixture)
		if got := h.stored(r.ID); !got.Dirty || !strings.Contains(got.Error, "already exists") {
			t.Errorf("the record: dirty %v, error %q; want dirty with AWS's error", got.Dirty, got.Error)
		}
		r.Values = []string{"127.0.0.9"}
		h.write(func(tx *store.Tx) error { return tx.UpdateRecord(h.ctx, r) })
		h.mustSync()
		h.want("test A ttl=60 127.0.0.9")
	})
}

// TestZincICMPRefused: an IP probed by ICMP serves from the embedded
// server, but Route53 has no ICMP check: its policy's records are refused
// at push time, with why, and the rest of the zone still goes.
func TestZincICMPRefused(t *testing.T) {
	zincBackends(t, func(t *testing.T, h *zincHarness) {
		hc := model.Healthcheck{Protocol: "ICMP"}
		h.write(func(tx *store.Tx) error {
			return tx.CreateIP(h.ctx, &model.IP{Address: netip.MustParseAddr("127.0.3.7"), Enabled: true, Healthcheck: &hc})
		})
		h.policy("ping", model.RoutingWeighted, "127.0.3.7 us-east-1 10")
		r := h.record("ping", "POLICY_ROUTED", 0, "p-ping")
		h.record("plain", "A", 300, "127.0.0.2")
		if err := h.sync(); err == nil {
			t.Error("no error for a record Route53 cannot check")
		}
		h.want(fixture, "plain A ttl=300 127.0.0.2")
		if got := h.stored(r.ID); !got.Dirty || !strings.Contains(got.Error, "not ICMP") {
			t.Errorf("the record: dirty %v, error %q", got.Dirty, got.Error)
		}
	})
}
