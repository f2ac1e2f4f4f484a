package rfc2136_test

import (
	"context"
	"encoding/base64"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/signpost-dns/signpost/internal/model"
	"github.com/signpost-dns/signpost/internal/plan"
	"github.com/signpost-dns/signpost/internal/provider"
	"github.com/signpost-dns/signpost/internal/provider/providertest"
	"github.com/signpost-dns/signpost/internal/provider/rfc2136/rfc2136test"
)

// TestConformance runs the provider suite every provider passes (create,
// update, delete, dynamic records flattened, status changes, CNAME/A
// swaps, saved and stale plans) against each real server.
func TestConformance(t *testing.T) {
	for kind, start := range rfc2136test.Servers(t) {
		t.Run(kind, func(t *testing.T) {
			providertest.Run(t, providertest.Harness{New: func(t testing.TB) provider.Provider {
				return start(t, "example.com.").Provider(t)
			}})
		})
	}
}

func parse(t *testing.T, src string) *model.Zone { return providertest.Parse(t, "example.com.", src) }

// TestCompareAndSwap: a plan whose zone moved after it was read sends
// updates whose prerequisites fail; nothing of them is applied, the zone
// is read and planned again from the plan's desired state, and the second
// attempt converges. Two applies racing end in one of the two states.
func TestCompareAndSwap(t *testing.T) {
	for kind, start := range rfc2136test.Servers(t) {
		t.Run(kind, func(t *testing.T) {
			s := start(t, "example.com.")
			p, other := s.Provider(t), s.Provider(t)
			ctx := context.Background()
			providertest.Converge(t, p, parse(t, providertest.Statics))
			want := parse(t, strings.Replace(providertest.Statics, "192.0.2.90", "192.0.2.91", 1))
			zp, err := p.Plan(ctx, want)
			if err != nil {
				t.Fatal(err)
			}
			// Behind signpost's back: api A changes, so the plan's
			// "exactly these values" prerequisite no longer holds.
			moved := parse(t, strings.Replace(providertest.Statics, "192.0.2.80", "192.0.2.70", 1))
			providertest.Converge(t, other, moved)
			again, _ := p.Plan(ctx, want)
			zp.State = again.State // as if read just now: the update itself must catch it
			before := p.Updates()["conflict"]
			if err := p.Apply(ctx, zp); err != nil {
				t.Fatalf("apply after a conflict: %v", err)
			}
			if n := p.Updates()["conflict"] - before; n != 1 {
				t.Errorf("%d conflicts, want 1 (the first message, refused whole)", n)
			}
			if zp, _ := p.Plan(ctx, want); !zp.Empty() {
				t.Errorf("after the retry the zone is not as desired:\n%s", providertest.Summary(zp))
			}

			// Two applies racing: each ends without error, and the zone is
			// one of the two states, not a mix.
			a := parse(t, strings.Replace(providertest.Statics, "192.0.2.90", "192.0.2.1", 1))
			b := parse(t, strings.Replace(providertest.Statics, "192.0.2.90", "192.0.2.2", 1))
			var wg sync.WaitGroup
			errs := make([]error, 2)
			for i, z := range []*model.Zone{a, b} {
				wg.Add(1)
				go func() {
					defer wg.Done()
					prov := s.Provider(t)
					zp, err := prov.Plan(ctx, z)
					if err == nil {
						err = prov.Apply(ctx, zp)
					}
					if errors.Is(err, plan.ErrStale) {
						err = nil // the other one went first: a saved plan would be made again
					}
					errs[i] = err
				}()
			}
			wg.Wait()
			for _, err := range errs {
				if err != nil {
					t.Errorf("racing apply: %v", err)
				}
			}
			za, _ := p.Plan(ctx, a)
			zb, _ := p.Plan(ctx, b)
			if !za.Empty() && !zb.Empty() {
				t.Errorf("after two racing applies the zone is neither:\n%s", providertest.Summary(za))
			}
		})
	}
}

// TestKeyErrors: a wrong secret and a key without update rights give
// errors that say what to fix, and the zone is unchanged.
func TestKeyErrors(t *testing.T) {
	for kind, start := range rfc2136test.Servers(t) {
		t.Run(kind, func(t *testing.T) {
			s := start(t, "example.com.")
			ctx := context.Background()
			wrong := s.Key
			wrong.Secret = base64.StdEncoding.EncodeToString([]byte("not the secret, not the secret!!"))
			_, err := s.ProviderWith(t, wrong).Plan(ctx, parse(t, providertest.Statics))
			if err == nil || !strings.Contains(err.Error(), "tsig") {
				t.Errorf("a wrong secret: %v; want an error naming the TSIG setting", err)
			}
			reader := s.ProviderWith(t, s.Reader)
			zp, err := reader.Plan(ctx, parse(t, providertest.Statics))
			if err != nil {
				t.Fatalf("a key that may transfer: %v", err)
			}
			if err := reader.Apply(ctx, zp); err == nil || !strings.Contains(err.Error(), "update") {
				t.Errorf("a key without update rights: %v; want an error naming the update right", err)
			}
			if again, _ := reader.Plan(ctx, parse(t, providertest.Statics)); len(again.Changes) != len(zp.Changes) {
				t.Error("the zone changed after a refused update")
			}
		})
	}
}

// TestDumpRoundTrip: a zone read back by dump plans to zero changes, and
// a dynamic record is announced as flattened once, as a warning.
func TestDumpRoundTrip(t *testing.T) {
	for kind, start := range rfc2136test.Servers(t) {
		t.Run(kind, func(t *testing.T) {
			p := start(t, "example.com.").Provider(t)
			z := parse(t, providertest.Statics+providertest.Dynamic)
			probs := provider.Check(p, z)
			if len(probs) != 1 || !probs[0].Warning || probs[0].Name != "test.example.com." || !strings.Contains(probs[0].Reason, "flattened") {
				t.Errorf("check: %v; want one warning that test is flattened", probs)
			}
			providertest.Converge(t, p, z)
			dumped, err := p.Dump(context.Background(), "example.com.")
			if err != nil {
				t.Fatal(err)
			}
			if len(dumped.Records) != 6 { // the statics, test flattened, the apex NS
				t.Errorf("dumped %d records, want 6", len(dumped.Records))
			}
			providertest.Converge(t, p, dumped)
		})
	}
}
