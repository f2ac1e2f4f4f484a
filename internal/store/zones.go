package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/google/uuid"

	"github.com/signpost-dns/signpost/internal/model"
)

// Zone is a zone whose records the store holds.
type Zone struct {
	ID      string   `json:"id"`
	Root    string   `json:"root"`    // fully qualified, with the trailing dot
	Targets []string `json:"targets"` // providers it is pushed to
}

// Record is one record of a store zone. Type is a DNS type, or
// POLICY_ROUTED / POLICY_ROUTED_IPv6 with a policy id as its one value.
type Record struct {
	ID     string   `json:"id"` // a UUID, stable for the record's life
	ZoneID string   `json:"zone_id"`
	Name   string   `json:"name"` // relative; "@" is the apex
	Type   string   `json:"type"`
	TTL    uint32   `json:"ttl"`
	Values []string `json:"values"`
}

// CreateZone adds z, giving it an id if it has none.
func (t *Tx) CreateZone(ctx context.Context, z *Zone) error {
	if z.ID == "" {
		z.ID = uuid.NewString()
	}
	targets, err := json.Marshal(nonNil(z.Targets))
	if err != nil {
		return err
	}
	_, err = t.exec(ctx, `INSERT INTO zones (id, root, targets) VALUES (?, ?, ?)`, z.ID, z.Root, string(targets))
	return err
}

// DeleteZone removes a zone and its records.
func (t *Tx) DeleteZone(ctx context.Context, id string) error {
	res, err := t.exec(ctx, `DELETE FROM zones WHERE id = ?`, id)
	if err != nil {
		return err
	}
	return changed(res, "zone "+id)
}

// Zones reads every store zone, by root.
func (t *Tx) Zones(ctx context.Context) ([]*Zone, error) {
	return collect(ctx, t, scanZone, `SELECT id, root, targets FROM zones ORDER BY root`)
}

// Zone reads one zone.
func (t *Tx) Zone(ctx context.Context, id string) (*Zone, error) {
	z, err := scanZone(t.queryRow(ctx, `SELECT id, root, targets FROM zones WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("zone %s: %w", id, ErrNotFound)
	}
	return z, err
}

func scanZone(row scanner) (*Zone, error) {
	z := &Zone{}
	var targets string
	if err := row.Scan(&z.ID, &z.Root, &targets); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(targets), &z.Targets); err != nil {
		return nil, fmt.Errorf("store: targets of zone %s: %w", z.ID, err)
	}
	return z, nil
}

// CreateRecord adds r to its zone, giving it an id if it has none;
// ErrConflict if the zone has a record of that name and type.
func (t *Tx) CreateRecord(ctx context.Context, r *Record) error {
	if r.ID == "" {
		r.ID = uuid.NewString()
	}
	vals, err := json.Marshal(nonNil(r.Values))
	if err != nil {
		return err
	}
	_, err = t.exec(ctx, `INSERT INTO records (id, zone_id, name, type, ttl, vals, policy_id) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		r.ID, r.ZoneID, r.Name, r.Type, r.TTL, string(vals), r.policy())
	return err
}

// policy is the policy a policy record points at, or "".
func (r *Record) policy() string {
	if _, ok := model.PolicyRecordType(r.Type); ok && len(r.Values) == 1 {
		return r.Values[0]
	}
	return ""
}

// PolicyRecords reads the records that point at any of the policies ids.
func (t *Tx) PolicyRecords(ctx context.Context, ids ...string) ([]*Record, error) {
	var out []*Record
	for _, id := range ids {
		rs, err := collect(ctx, t, scanRecord, `SELECT id, zone_id, name, type, ttl, vals FROM records WHERE policy_id = ? ORDER BY zone_id, name, type`, id)
		if err != nil {
			return nil, err
		}
		out = append(out, rs...)
	}
	return out, nil
}

// UpdateRecord replaces the TTL and values of the record at r.ID.
func (t *Tx) UpdateRecord(ctx context.Context, r *Record) error {
	vals, err := json.Marshal(nonNil(r.Values))
	if err != nil {
		return err
	}
	res, err := t.exec(ctx, `UPDATE records SET ttl = ?, vals = ?, policy_id = ? WHERE id = ?`, r.TTL, string(vals), r.policy(), r.ID)
	if err != nil {
		return err
	}
	return changed(res, "record "+r.ID)
}

// DeleteRecord removes a record.
func (t *Tx) DeleteRecord(ctx context.Context, id string) error {
	res, err := t.exec(ctx, `DELETE FROM records WHERE id = ?`, id)
	if err != nil {
		return err
	}
	return changed(res, "record "+id)
}

// Records reads a zone's records, by name and type.
func (t *Tx) Records(ctx context.Context, zoneID string) ([]*Record, error) {
	return collect(ctx, t, scanRecord, `SELECT id, zone_id, name, type, ttl, vals FROM records WHERE zone_id = ? ORDER BY name, type`, zoneID)
}

// Record reads one record.
func (t *Tx) Record(ctx context.Context, id string) (*Record, error) {
	r, err := scanRecord(t.queryRow(ctx, `SELECT id, zone_id, name, type, ttl, vals FROM records WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("record %s: %w", id, ErrNotFound)
	}
	return r, err
}

func scanRecord(row scanner) (*Record, error) {
	r := &Record{}
	var vals string
	if err := row.Scan(&r.ID, &r.ZoneID, &r.Name, &r.Type, &r.TTL, &vals); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(vals), &r.Values); err != nil {
		return nil, fmt.Errorf("store: values of record %s: %w", r.ID, err)
	}
	return r, nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
