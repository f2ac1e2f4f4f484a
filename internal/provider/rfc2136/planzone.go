package rfc2136

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/miekg/dns"

	"github.com/signpost-dns/signpost/internal/model"
	"github.com/signpost-dns/signpost/internal/plan"
	"github.com/signpost-dns/signpost/internal/provider"
)

// payload is what a zone plan carries for Apply: the desired sets, to
// plan again against a zone that moved, and the changes planned.
type payload struct {
	Desired []record       `json:"desired"`
	Changes []recordChange `json:"changes"`
}

// Plan implements provider.Provider.
func (p *Provider) Plan(ctx context.Context, z *model.Zone) (*plan.ZonePlan, error) {
	zone := strings.ToLower(dns.Fqdn(z.Name))
	want, err := desired(z, provider.HealthOf(ctx))
	if err != nil {
		return nil, err
	}
	st, err := p.read(ctx, zone)
	if err != nil {
		return nil, err
	}
	return p.planFrom(zone, want, st), nil
}

func (p *Provider) planFrom(zone string, want []record, st *state) *plan.ZonePlan {
	zp := &plan.ZonePlan{Zone: zone, Target: p.opts.Name, State: fingerprint(st)}
	ign := ignore(zone, want)
	for _, r := range st.records() {
		if !ign(r.Name, r.Type) {
			zp.Existing++
		}
	}
	pl := payload{Desired: want, Changes: p.diff(zone, want, st)}
	zp.Changes = plan.NativeChanges(pl.Changes, verb)
	zp.Payload, _ = json.Marshal(pl) // plain data: cannot fail
	return zp
}

func (p *Provider) diff(zone string, want []record, st *state) []recordChange {
	return plan.Diff(want, st.records(), plan.DiffOptions{Keep: p.opts.Keep, Ignore: ignore(zone, want)})
}

// ignore says which existing sets a plan never touches: the apex NS
// unless the zone file has one (the SOA is never read as a set).
func ignore(zone string, want []record) func(name, typ string) bool {
	managesNS := slices.ContainsFunc(want, func(r record) bool { return r.Name == zone && r.Type == "NS" })
	return func(name, typ string) bool { return typ == "NS" && name == zone && !managesNS }
}

func verb(op plan.Op) string {
	switch op {
	case plan.Add:
		return "ADD"
	case plan.Replace:
		return "REPLACE"
	}
	return "DELETE"
}

// fingerprint hashes the zone's sets in a canonical order.
func fingerprint(st *state) string {
	keys := make([]string, 0, len(st.sets))
	for k := range st.sets {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	h := sha256.New()
	for _, k := range keys {
		fmt.Fprintln(h, st.sets[k].String())
	}
	return hex.EncodeToString(h.Sum(nil)[:12])
}
