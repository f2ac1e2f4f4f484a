package api

import (
	"context"
	"errors"
	"net/http"
	"net/netip"
	"time"

	"github.com/signpost-dns/signpost/internal/health"
	"github.com/signpost-dns/signpost/internal/model"
	"github.com/signpost-dns/signpost/internal/store"
)

// checkJSON is a health check as the API writes it.
type checkJSON struct {
	Protocol  string `json:"protocol"`
	Port      uint16 `json:"port,omitempty"`
	Path      string `json:"path,omitempty"`
	Host      string `json:"host,omitempty"`
	Interval  string `json:"interval,omitempty"`
	Timeout   string `json:"timeout,omitempty"`
	Failures  int    `json:"failures,omitempty"`
	Successes int    `json:"successes,omitempty"`
}

// ipIn is an IP as POST and PATCH take it; absent fields keep their value.
type ipIn struct {
	Address      *string    `json:"address"`
	Hostname     *string    `json:"hostname"`
	FriendlyName *string    `json:"friendly_name"`
	Enabled      *bool      `json:"enabled"`
	Healthcheck  *checkJSON `json:"healthcheck"`
}

// ipOut is an IP as the API returns it, with its live health.
type ipOut struct {
	Address      string     `json:"address"`
	Hostname     string     `json:"hostname"`
	FriendlyName string     `json:"friendly_name"`
	Enabled      bool       `json:"enabled"`
	Healthcheck  *checkJSON `json:"healthcheck"`
	State        string     `json:"state"`
	Since        *time.Time `json:"since"`
	LastError    string     `json:"last_error"`
}

func (rest *Rest) ipOut(ip *model.IP, statuses []health.TargetStatus) ipOut {
	out := ipOut{Address: ip.Address.String(), Hostname: ip.Hostname, FriendlyName: ip.FriendlyName, Enabled: ip.Enabled,
		Healthcheck: checkOut(ip.Healthcheck), State: "unchecked"}
	for _, s := range statuses {
		if s.Address == out.Address {
			since := s.Since
			out.State, out.Since, out.LastError = s.State, &since, s.LastError
			break
		}
	}
	if !ip.Enabled {
		out.State = "disabled"
	}
	return out
}

func checkOut(hc *model.Healthcheck) *checkJSON {
	if hc == nil {
		return nil
	}
	c := &checkJSON{Protocol: hc.Protocol, Port: hc.Port, Path: hc.Path, Host: hc.Host, Failures: hc.Failures, Successes: hc.Successes}
	if hc.Interval > 0 {
		c.Interval = hc.Interval.String()
	}
	if hc.Timeout > 0 {
		c.Timeout = hc.Timeout.String()
	}
	return c
}

// checkIn reads a check, adding problems under field.
func checkIn(c *checkJSON, fe model.FieldErrors, field string) *model.Healthcheck {
	if c == nil {
		return nil
	}
	hc := &model.Healthcheck{Protocol: c.Protocol, Port: c.Port, Path: c.Path, Host: c.Host, Failures: c.Failures, Successes: c.Successes}
	for name, s := range map[string]string{"interval": c.Interval, "timeout": c.Timeout} {
		if s == "" {
			continue
		}
		d, err := model.ParseDuration(s)
		if err != nil || d < model.MinInterval || d > model.MaxInterval {
			fe.Add(field, "%s %q must be a duration from %s to %s.", name, s, model.MinInterval, model.MaxInterval)
			continue
		}
		if name == "interval" {
			hc.Interval = d
		} else {
			hc.Timeout = d
		}
	}
	return hc
}

func (in *ipIn) apply(ip *model.IP) model.FieldErrors {
	fe := model.FieldErrors{}
	if in.Hostname != nil {
		ip.Hostname = *in.Hostname
	}
	if in.FriendlyName != nil {
		ip.FriendlyName = *in.FriendlyName
	}
	if in.Enabled != nil {
		ip.Enabled = *in.Enabled
	}
	if in.Healthcheck != nil {
		ip.Healthcheck = checkIn(in.Healthcheck, fe, "healthcheck")
	}
	for k, v := range model.ValidateIP(ip) {
		fe[k] = append(fe[k], v...)
	}
	return fe
}

func (rest *Rest) listIPs(r *http.Request, _ *store.Token) (int, any, error) {
	var ips []*model.IP
	err := rest.Store.View(r.Context(), func(tx *store.Tx) (err error) { ips, err = tx.IPs(r.Context()); return err })
	statuses := rest.statuses()
	out := make([]ipOut, 0, len(ips))
	for _, ip := range ips {
		out = append(out, rest.ipOut(ip, statuses))
	}
	return http.StatusOK, out, err
}

func (rest *Rest) statuses() []health.TargetStatus {
	if rest.Health == nil {
		return nil
	}
	return rest.Health()
}

func (rest *Rest) createIP(r *http.Request, who *store.Token) (int, any, error) {
	var in ipIn
	if err := decode(r, &in); err != nil {
		return 0, nil, err
	}
	ip := &model.IP{Enabled: true}
	fe := in.apply(ip)
	if in.Address == nil {
		fe = model.FieldErrors{"address": {"This field is required."}}
	} else if a, err := netip.ParseAddr(*in.Address); err == nil && a.Zone() == "" {
		ip.Address = a.Unmap()
		delete(fe, "ip")
	} else {
		delete(fe, "ip")
		fe.Add("address", "Enter a valid IPv4 or IPv6 address.")
	}
	if len(fe) > 0 {
		return 0, nil, badRequest(fe)
	}
	ev := &store.Event{Kind: "ip.create", Subject: ip.Address.String(), After: marshal(ip)}
	err := rest.update(r.Context(), who, ev, func(tx *store.Tx) error { return tx.CreateIP(r.Context(), ip) })
	var p *problem
	if errors.As(err, &p) && p.status == http.StatusConflict {
		return 0, nil, conflict("address", "IP with this address already exists.")
	}
	return http.StatusCreated, rest.ipOut(ip, rest.statuses()), err
}

func pathAddr(r *http.Request) (netip.Addr, error) {
	a, err := netip.ParseAddr(r.PathValue("address"))
	if err != nil {
		return netip.Addr{}, notFound("IP")
	}
	return a.Unmap(), nil
}

func (rest *Rest) getIP(r *http.Request, _ *store.Token) (int, any, error) {
	a, err := pathAddr(r)
	if err != nil {
		return 0, nil, err
	}
	var ip *model.IP
	err = rest.Store.View(r.Context(), func(tx *store.Tx) (err error) { ip, err = tx.IP(r.Context(), a); return err })
	if errors.Is(err, store.ErrNotFound) {
		return 0, nil, notFound("IP")
	}
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, rest.ipOut(ip, rest.statuses()), nil
}

func (rest *Rest) patchIP(r *http.Request, who *store.Token) (int, any, error) {
	a, err := pathAddr(r)
	if err != nil {
		return 0, nil, err
	}
	var in ipIn
	if err := decode(r, &in); err != nil {
		return 0, nil, err
	}
	if in.Address != nil {
		return 0, nil, badRequest(model.FieldErrors{"address": {"The address is the IP's key and cannot change."}})
	}
	var ip *model.IP
	ev := &store.Event{Kind: "ip.update", Subject: a.String()}
	err = rest.update(r.Context(), who, ev, func(tx *store.Tx) error {
		var err error
		if ip, err = tx.IP(r.Context(), a); err != nil {
			return notFoundAs(err, "IP")
		}
		ev.Before = marshal(ip)
		if fe := in.apply(ip); len(fe) > 0 {
			return badRequest(fe)
		}
		ev.After = marshal(ip)
		if err := tx.UpdateIP(r.Context(), ip); err != nil {
			return err
		}
		return checkPoliciesOf(r.Context(), tx, a)
	})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, rest.ipOut(ip, rest.statuses()), nil
}

func (rest *Rest) deleteIP(r *http.Request, who *store.Token) (int, any, error) {
	a, err := pathAddr(r)
	if err != nil {
		return 0, nil, err
	}
	ev := &store.Event{Kind: "ip.delete", Subject: a.String()}
	err = rest.update(r.Context(), who, ev, func(tx *store.Tx) error {
		ip, err := tx.IP(r.Context(), a)
		if err != nil {
			return notFoundAs(err, "IP")
		}
		ev.Before = marshal(ip)
		affected, err := tx.PoliciesWithIP(r.Context(), a) // before the delete takes the memberships
		if err != nil {
			return err
		}
		if err := tx.DeleteIP(r.Context(), a); err != nil {
			return err
		}
		for i, p := range affected {
			if affected[i], err = tx.Policy(r.Context(), p.ID); err != nil {
				return err
			}
		}
		return checkPolicyRecords(r.Context(), tx, affected...)
	})
	return http.StatusNoContent, nil, err
}

// notFoundAs turns the store's ErrNotFound into a 404 about what.
func notFoundAs(err error, what string) error {
	if errors.Is(err, store.ErrNotFound) {
		return notFound(what)
	}
	return err
}

// checkPolicyRecords refuses a write that would leave a record pointing at
// one of policies with no enabled member of its family. It reads only
// those policies' records and member IPs.
func checkPolicyRecords(ctx context.Context, tx *store.Tx, policies ...*model.Policy) error {
	byID := map[string]*model.Policy{}
	var ids []string
	for _, p := range policies {
		byID[p.ID] = p
		ids = append(ids, p.ID)
	}
	records, err := tx.PolicyRecords(ctx, ids...)
	if err != nil || len(records) == 0 {
		return err
	}
	ips, err := memberIPs(ctx, tx, policies...)
	if err != nil {
		return err
	}
	fe := model.FieldErrors{}
	for _, rec := range records {
		typ, _ := model.PolicyRecordType(rec.Type)
		if why := model.CheckPointable(byID[rec.Values[0]], ips, typ); why != "" {
			z, err := tx.Zone(ctx, rec.ZoneID)
			if err != nil {
				return err
			}
			fe.Add("non_field_errors", "%s Record %s of zone %s points at it.", why, rec.Name, z.Root)
		}
	}
	if len(fe) > 0 {
		return &problem{http.StatusConflict, fe}
	}
	return nil
}

// checkPoliciesOf checks the records of the policies addr is a member of.
func checkPoliciesOf(ctx context.Context, tx *store.Tx, addr netip.Addr) error {
	policies, err := tx.PoliciesWithIP(ctx, addr)
	if err != nil {
		return err
	}
	return checkPolicyRecords(ctx, tx, policies...)
}

// memberIPs reads the stored IPs the policies' members name.
func memberIPs(ctx context.Context, tx *store.Tx, policies ...*model.Policy) (map[netip.Addr]*model.IP, error) {
	out := map[netip.Addr]*model.IP{}
	for _, p := range policies {
		for _, m := range p.Members {
			if _, ok := out[m.IP]; ok {
				continue
			}
			ip, err := tx.IP(ctx, m.IP)
			if errors.Is(err, store.ErrNotFound) {
				continue
			}
			if err != nil {
				return nil, err
			}
			out[m.IP] = ip
		}
	}
	return out, nil
}
