package api

import (
	"context"
	"net/http"
	"net/netip"
	"slices"

	"github.com/signpost-dns/signpost/internal/model"
	"github.com/signpost-dns/signpost/internal/store"
)

// policyJSON is a policy as the API takes and returns it.
type policyJSON struct {
	ID      string       `json:"id"`
	Name    string       `json:"name"`
	Routing string       `json:"routing"`
	TTL     uint32       `json:"ttl"`
	Members []memberJSON `json:"members"`
}

// memberJSON is a member; Enabled in output is member and IP enabled.
type memberJSON struct {
	ID      string `json:"id"`
	IP      string `json:"ip"`
	Region  string `json:"region"`
	Weight  *int   `json:"weight,omitempty"`
	Enabled *bool  `json:"enabled,omitempty"`
}

// policyIn is a POST or PATCH body; absent fields keep their value.
type policyIn struct {
	Name    *string       `json:"name"`
	Routing *string       `json:"routing"`
	TTL     *int64        `json:"ttl"`
	Members *[]memberJSON `json:"members"`
}

func policyOut(p *model.Policy) policyJSON {
	out := policyJSON{ID: p.ID, Name: p.Name, Routing: string(p.Routing), TTL: p.TTL, Members: []memberJSON{}}
	for _, m := range p.Members {
		out.Members = append(out.Members, memberOut(m))
	}
	return out
}

func memberOut(m model.Member) memberJSON {
	w, e := m.Weight, m.Enabled
	return memberJSON{ID: m.ID, IP: m.IP.String(), Region: m.Region, Weight: &w, Enabled: &e}
}

// member reads a member body over m's current fields.
func (in memberJSON) apply(m *model.Member, fe model.FieldErrors, prefix string) {
	if in.IP != "" {
		a, err := netip.ParseAddr(in.IP)
		if err != nil {
			fe.Add(prefix+"ip", "Enter a valid IPv4 or IPv6 address.")
		}
		m.IP = a.Unmap()
	}
	if in.Region != "" {
		m.Region = in.Region
	}
	if in.Weight != nil {
		m.Weight = *in.Weight
	}
	if in.Enabled != nil {
		m.Enabled = *in.Enabled
	}
}

func newMember() model.Member {
	return model.Member{Weight: model.DefaultMemberWeight, Enabled: true, Region: "us-east-1"}
}

// apply reads a policy body over p's current fields.
func (in *policyIn) apply(p *model.Policy) model.FieldErrors {
	fe := model.FieldErrors{}
	if in.Name != nil {
		p.Name = *in.Name
	}
	if in.Routing != nil {
		p.Routing = model.Routing(*in.Routing)
	}
	if in.TTL != nil {
		if *in.TTL < 1 || *in.TTL > 1<<31-1 {
			fe.Add("ttl", "Ensure this value is greater than or equal to 1.")
		} else {
			p.TTL = uint32(*in.TTL)
		}
	}
	if in.Members != nil {
		p.Members = nil
		for i, mj := range *in.Members {
			m := newMember()
			m.ID = mj.ID
			mj.apply(&m, fe, memberField(i))
			p.Members = append(p.Members, m)
		}
	}
	return fe
}

func memberField(i int) string { return "members[" + itoa(i) + "]." }

// validatePolicy checks p against the stored IPs, the other policies and
// the regions, inside tx.
func (rest *Rest) validatePolicy(ctx context.Context, tx *store.Tx, p *model.Policy, fe model.FieldErrors) error {
	ips, err := memberIPs(ctx, tx, p)
	if err != nil {
		return err
	}
	names, err := tx.PolicyNames(ctx)
	if err != nil {
		return err
	}
	var others []string
	for id, name := range names {
		if id != p.ID {
			others = append(others, name)
		}
	}
	slices.Sort(others)
	for k, v := range model.ValidatePolicy(p, others, ips, rest.view().Regions) {
		fe[k] = append(fe[k], v...)
	}
	if len(fe) > 0 {
		return badRequest(fe)
	}
	return nil
}

func (rest *Rest) view() View {
	if rest.View == nil {
		return View{Regions: model.NewRegions()}
	}
	return rest.View()
}

func (rest *Rest) listPolicies(r *http.Request, _ *store.Token) (int, any, error) {
	var ps []*model.Policy
	err := rest.Store.View(r.Context(), func(tx *store.Tx) (err error) { ps, err = tx.Policies(r.Context()); return err })
	out := make([]policyJSON, 0, len(ps))
	for _, p := range ps {
		out = append(out, policyOut(p))
	}
	return http.StatusOK, out, err
}

func (rest *Rest) createPolicy(r *http.Request, who *store.Token) (int, any, error) {
	var in policyIn
	if err := decode(r, &in); err != nil {
		return 0, nil, err
	}
	p := &model.Policy{Routing: model.RoutingLatency, TTL: model.DefaultPolicyTTL}
	fe := in.apply(p)
	if in.Name == nil {
		fe.Add("name", "This field is required.")
	}
	ev := &store.Event{Kind: "policy.create"}
	err := rest.update(r.Context(), who, ev, func(tx *store.Tx) error {
		if err := rest.validatePolicy(r.Context(), tx, p, fe); err != nil {
			return err
		}
		if err := tx.CreatePolicy(r.Context(), p); err != nil {
			return err
		}
		ev.Subject, ev.After = p.ID, marshal(policyOut(p))
		return nil
	})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, policyOut(p), nil
}

func (rest *Rest) getPolicy(r *http.Request, _ *store.Token) (int, any, error) {
	var p *model.Policy
	err := rest.Store.View(r.Context(), func(tx *store.Tx) (err error) { p, err = tx.Policy(r.Context(), r.PathValue("id")); return err })
	if err != nil {
		return 0, nil, notFoundAs(err, "Policy")
	}
	return http.StatusOK, policyOut(p), nil
}

// changePolicy reads the policy at the path, lets edit change it, then
// validates and stores it, all in one transaction.
func (rest *Rest) changePolicy(r *http.Request, who *store.Token, kind string, edit func(p *model.Policy) (model.FieldErrors, error)) (*model.Policy, error) {
	var p *model.Policy
	ev := &store.Event{Kind: kind, Subject: r.PathValue("id")}
	err := rest.update(r.Context(), who, ev, func(tx *store.Tx) error {
		var err error
		if p, err = tx.Policy(r.Context(), r.PathValue("id")); err != nil {
			return notFoundAs(err, "Policy")
		}
		ev.Before = marshal(policyOut(p))
		fe, err := edit(p)
		if err != nil {
			return err
		}
		if err := rest.validatePolicy(r.Context(), tx, p, fe); err != nil {
			return err
		}
		if err := tx.UpdatePolicy(r.Context(), p); err != nil {
			return err
		}
		ev.After = marshal(policyOut(p))
		return checkPolicyRecords(r.Context(), tx, p)
	})
	return p, err
}

func (rest *Rest) patchPolicy(r *http.Request, who *store.Token) (int, any, error) {
	var in policyIn
	if err := decode(r, &in); err != nil {
		return 0, nil, err
	}
	p, err := rest.changePolicy(r, who, "policy.update", func(p *model.Policy) (model.FieldErrors, error) { return in.apply(p), nil })
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, policyOut(p), nil
}

func (rest *Rest) deletePolicy(r *http.Request, who *store.Token) (int, any, error) {
	id := r.PathValue("id")
	ev := &store.Event{Kind: "policy.delete", Subject: id}
	err := rest.update(r.Context(), who, ev, func(tx *store.Tx) error {
		p, err := tx.Policy(r.Context(), id)
		if err != nil {
			return notFoundAs(err, "Policy")
		}
		ev.Before = marshal(policyOut(p))
		if users := policyUsers(r.Context(), tx, id); users != "" {
			return conflict("non_field_errors", "Policy "+p.Name+" is used by "+users+"; delete or repoint them first.")
		}
		return tx.DeletePolicy(r.Context(), id)
	})
	return http.StatusNoContent, nil, err
}

// policyUsers names the records that point at policy id, or "".
func policyUsers(ctx context.Context, tx *store.Tx, id string) string {
	records, _ := tx.PolicyRecords(ctx, id)
	var users []string
	for _, rec := range records {
		if z, err := tx.Zone(ctx, rec.ZoneID); err == nil {
			users = append(users, model.NameFQDN(rec.Name, z.Root)+" "+rec.Type)
		}
	}
	return joinAnd(users)
}

func (rest *Rest) addMember(r *http.Request, who *store.Token) (int, any, error) {
	var in memberJSON
	if err := decode(r, &in); err != nil {
		return 0, nil, err
	}
	m, idx := newMember(), -1
	p, err := rest.changePolicy(r, who, "policy.member.create", func(p *model.Policy) (model.FieldErrors, error) {
		fe := model.FieldErrors{}
		if in.IP == "" {
			fe.Add("ip", "This field is required.")
		}
		in.apply(&m, fe, "")
		p.Members = append(p.Members, m)
		idx = len(p.Members) - 1
		return prefixMemberErrors(fe, idx), nil
	})
	if err != nil {
		return 0, nil, unprefix(err, idx)
	}
	return http.StatusCreated, memberOut(p.Members[len(p.Members)-1]), nil
}

func (rest *Rest) changeMember(r *http.Request, who *store.Token, remove bool) (int, any, error) {
	var in memberJSON
	if !remove {
		if err := decode(r, &in); err != nil {
			return 0, nil, err
		}
	}
	id := r.PathValue("member_id")
	var out model.Member
	kind := "policy.member.update"
	if remove {
		kind = "policy.member.delete"
	}
	_, err := rest.changePolicy(r, who, kind, func(p *model.Policy) (model.FieldErrors, error) {
		fe := model.FieldErrors{}
		for i := range p.Members {
			if p.Members[i].ID != id {
				continue
			}
			if remove {
				p.Members = append(p.Members[:i], p.Members[i+1:]...)
				return fe, nil
			}
			in.apply(&p.Members[i], fe, memberField(i))
			out = p.Members[i]
			return fe, nil
		}
		return nil, notFound("Member")
	})
	if err != nil {
		return 0, nil, err
	}
	if remove {
		return http.StatusNoContent, nil, nil
	}
	return http.StatusOK, memberOut(out), nil
}
