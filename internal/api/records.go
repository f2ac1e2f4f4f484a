package api

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"strings"

	"github.com/signpost-dns/signpost/internal/model"
	"github.com/signpost-dns/signpost/internal/store"
)

// recordJSON is a store record as the API returns it.
type recordJSON struct {
	ID      string   `json:"id"`
	Name    string   `json:"name"`
	FQDN    string   `json:"fqdn"`
	Type    string   `json:"type"`
	Values  []string `json:"values"`
	TTL     *uint32  `json:"ttl"`
	Managed bool     `json:"managed"`
	Dirty   bool     `json:"dirty"`           // not yet pushed to the zone's targets
	Error   string   `json:"error,omitempty"` // why the last push failed
	Version string   `json:"version"`         // for If-Match
}

// recordIn is a POST or PATCH body.
type recordIn struct {
	Name   *string   `json:"name"`
	Type   *string   `json:"type"`
	Values *[]string `json:"values"`
	TTL    *int64    `json:"ttl"`
}

// defaultTTL is a record's TTL when a POST names none (zinc's).
const defaultTTL = 300

// reservedPrefix marks the names of zinc's Route53 policy trees.
const reservedPrefix = model.HiddenPrefix

func recordOut(rec *store.Record, root string) recordJSON {
	out := recordJSON{ID: rec.ID, Name: rec.Name, FQDN: model.NameFQDN(rec.Name, root), Type: rec.Type, Values: rec.Values,
		Dirty: rec.Dirty, Error: rec.Error, Version: version(rec)}
	if _, policy := model.PolicyRecordType(rec.Type); !policy {
		ttl := rec.TTL
		out.TTL = &ttl
	}
	return out
}

// validateRecord checks rec in zone z, among the zone's other records,
// with zinc's messages where zinc has one; every problem at once.
func (rest *Rest) validateRecord(ctx context.Context, tx *store.Tx, z *store.Zone, rec *store.Record, fe model.FieldErrors) error {
	if strings.HasPrefix(rec.Name, reservedPrefix) {
		fe.Add("name", "Record %s can't start with %s. It's a reserved prefix.", rec.Name, reservedPrefix)
	}
	if rec.Type == "SOA" {
		fe.Add("type", "Type 'SOA' is not allowed.")
	}
	typ, policy := model.PolicyRecordType(rec.Type)
	switch {
	case len(rec.Values) == 0:
		fe.Add("values", "This field is required.")
	case policy:
		rest.validatePolicyValue(ctx, tx, typ, rec, fe)
	case rec.Type != "SOA":
		if _, probs := model.TextRecord(z.Root, model.APIName(rec.Name), typ, rec.TTL, rec.Values); len(probs.Errors()) > 0 {
			for _, p := range probs.Errors() {
				fe.Add(fieldOf(p.Reason), "%s", zincReason(p.Reason))
			}
		}
	}
	others, err := tx.Records(ctx, z.ID)
	if err != nil {
		return err
	}
	clashes(rec, others, fe)
	if len(fe) > 0 {
		return badRequest(fe)
	}
	return nil
}

// fieldOf files a record problem under the field it is about.
func fieldOf(reason string) string {
	switch {
	case strings.Contains(reason, "TTL") || strings.Contains(reason, "ttl"):
		return "ttl"
	case strings.Contains(reason, "name"):
		return "name"
	}
	return "values"
}

// zincReason is zinc's wording of a value problem where zinc has one.
func zincReason(reason string) string {
	switch {
	case strings.HasPrefix(reason, "invalid IPv4 address"):
		return "Value is not a valid IPv4 address."
	case strings.HasPrefix(reason, "invalid IPv6 address"):
		return "Value is not a valid IPv6 address."
	case strings.HasPrefix(reason, "CNAME takes a single value"):
		return "Only one value can be specified for CNAME records."
	}
	return reason
}

func (rest *Rest) validatePolicyValue(ctx context.Context, tx *store.Tx, typ model.RRType, rec *store.Record, fe model.FieldErrors) {
	if len(rec.Values) != 1 {
		fe.Add("values", "Only one value can be specified for %s records.", rec.Type)
		return
	}
	p, err := tx.Policy(ctx, rec.Values[0])
	if err != nil {
		fe.Add("values", "Unknown policy %q.", rec.Values[0])
		return
	}
	ips, err := memberIPs(ctx, tx, p)
	if err != nil {
		fe.Add("values", "Cannot read the IPs.")
		return
	}
	if why := model.CheckPointable(p, ips, typ); why != "" {
		fe.Add("values", "%s", why)
	}
}

// clashes adds zinc's CNAME clash problems: a CNAME shares its name with
// nothing, either way.
func clashes(rec *store.Record, others []*store.Record, fe model.FieldErrors) {
	for _, o := range others {
		if o.ID == rec.ID || !strings.EqualFold(o.Name, rec.Name) {
			continue
		}
		switch {
		case o.Type == rec.Type:
			fe.Add("name", "A %s record of the same name already exists.", o.Type)
		case o.Type == "CNAME":
			fe.Add("name", "A CNAME record of the same name already exists.")
		case rec.Type == "CNAME":
			fe.Add("name", "A %s record of the same name already exists.", o.Type)
		}
	}
}

func (rest *Rest) zoneOf(ctx context.Context, tx *store.Tx, id string) (*store.Zone, error) {
	z, err := tx.Zone(ctx, id)
	return z, notFoundAs(err, "Zone")
}

func (rest *Rest) listRecords(r *http.Request, _ *store.Token) (int, any, error) {
	out := []recordJSON{}
	err := rest.Store.View(r.Context(), func(tx *store.Tx) error {
		z, err := rest.zoneOf(r.Context(), tx, r.PathValue("id"))
		if err != nil {
			return err
		}
		records, err := tx.Records(r.Context(), z.ID)
		for _, rec := range records {
			out = append(out, recordOut(rec, z.Root))
		}
		return err
	})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, out, nil
}

func (rest *Rest) createRecord(r *http.Request, who *store.Token) (int, any, error) {
	var in recordIn
	if err := decode(r, &in); err != nil {
		return 0, nil, err
	}
	fe := model.FieldErrors{}
	rec := &store.Record{ZoneID: r.PathValue("id"), TTL: defaultTTL}
	for field, missing := range map[string]bool{"name": in.Name == nil, "type": in.Type == nil, "values": in.Values == nil} {
		if missing {
			fe.Add(field, "This field is required.")
		}
	}
	if len(fe) > 0 {
		return 0, nil, badRequest(fe)
	}
	rec.Name, rec.Type, rec.Values = strings.ToLower(*in.Name), canonicalType(*in.Type), *in.Values
	setTTL(rec, in.TTL, fe)
	var root string
	ev := &store.Event{Kind: "record.create"}
	err := rest.update(r.Context(), who, ev, func(tx *store.Tx) error {
		z, err := rest.zoneOf(r.Context(), tx, rec.ZoneID)
		if err != nil {
			return err
		}
		root = z.Root
		if err := rest.validateRecord(r.Context(), tx, z, rec, fe); err != nil {
			return err
		}
		if err := tx.CreateRecord(r.Context(), rec); err != nil {
			return err
		}
		ev.Subject, ev.After = rec.ID, marshal(recordOut(rec, root))
		return nil
	})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, recordOut(rec, root), nil
}

// canonicalType spells a record type as the store keeps it: upper case,
// but for zinc's POLICY_ROUTED_IPv6.
func canonicalType(t string) string {
	if strings.EqualFold(t, "POLICY_ROUTED_IPv6") {
		return "POLICY_ROUTED_IPv6"
	}
	return strings.ToUpper(t)
}

// version identifies a record's content (TTL and values), for If-Match.
func version(rec *store.Record) string {
	h := sha256.New()
	fmt.Fprintf(h, "%d|%s", rec.TTL, strings.Join(rec.Values, "\x00"))
	return hex.EncodeToString(h.Sum(nil)[:8])
}

// ifMatch refuses a write to rec when the request's If-Match names
// another version: the record changed since the client read it.
func ifMatch(r *http.Request, rec *store.Record) error {
	m := strings.Trim(r.Header.Get("If-Match"), `"`)
	if m == "" || m == "*" || m == version(rec) {
		return nil
	}
	return &problem{http.StatusPreconditionFailed, map[string]string{"detail": "The record changed since it was read (If-Match)."}}
}

// setTTL takes the body's TTL, if any, filing a problem under ttl.
func setTTL(rec *store.Record, ttl *int64, fe model.FieldErrors) {
	switch {
	case ttl == nil:
	case *ttl < 1 || *ttl > 1<<31-1:
		fe.Add("ttl", "Ensure this value is greater than or equal to 1.")
	default:
		rec.TTL = uint32(*ttl)
	}
}

// recordAt reads the record at the path, inside its zone.
func (rest *Rest) recordAt(ctx context.Context, tx *store.Tx, r *http.Request) (*store.Zone, *store.Record, error) {
	z, err := rest.zoneOf(ctx, tx, r.PathValue("id"))
	if err != nil {
		return nil, nil, err
	}
	rec, err := tx.Record(ctx, r.PathValue("record_id"))
	if err != nil || rec.ZoneID != z.ID {
		return nil, nil, &problem{http.StatusNotFound, map[string]string{"detail": "Record not found."}}
	}
	return z, rec, nil
}

func (rest *Rest) getRecord(r *http.Request, _ *store.Token) (int, any, error) {
	var out recordJSON
	err := rest.Store.View(r.Context(), func(tx *store.Tx) error {
		z, rec, err := rest.recordAt(r.Context(), tx, r)
		if err == nil {
			out = recordOut(rec, z.Root)
		}
		return err
	})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, out, nil
}

func (rest *Rest) patchRecord(r *http.Request, who *store.Token) (int, any, error) {
	var in recordIn
	if err := decode(r, &in); err != nil {
		return 0, nil, err
	}
	if in.Name != nil || in.Type != nil {
		return 0, nil, badRequest(model.FieldErrors{"non_field_errors": {"Can't update 'name' and 'type' fields. "}})
	}
	var out recordJSON
	ev := &store.Event{Kind: "record.update", Subject: r.PathValue("record_id")}
	err := rest.update(r.Context(), who, ev, func(tx *store.Tx) error {
		z, rec, err := rest.recordAt(r.Context(), tx, r)
		if err != nil {
			return err
		}
		if err := ifMatch(r, rec); err != nil {
			return err
		}
		ev.Before = marshal(recordOut(rec, z.Root))
		if in.Values != nil {
			rec.Values = *in.Values
		}
		fe := model.FieldErrors{}
		setTTL(rec, in.TTL, fe)
		if err := rest.validateRecord(r.Context(), tx, z, rec, fe); err != nil {
			return err
		}
		if err := tx.UpdateRecord(r.Context(), rec); err != nil {
			return err
		}
		out = recordOut(rec, z.Root)
		ev.After = marshal(out)
		return nil
	})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, out, nil
}

func (rest *Rest) deleteRecord(r *http.Request, who *store.Token) (int, any, error) {
	ev := &store.Event{Kind: "record.delete", Subject: r.PathValue("record_id")}
	err := rest.update(r.Context(), who, ev, func(tx *store.Tx) error {
		z, rec, err := rest.recordAt(r.Context(), tx, r)
		if err != nil {
			return err
		}
		if err := ifMatch(r, rec); err != nil {
			return err
		}
		ev.Before = marshal(recordOut(rec, z.Root))
		return tx.DeleteRecord(r.Context(), rec.ID)
	})
	return http.StatusNoContent, nil, err
}
