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
	// Push state, kept by the store and the reconcile loop.
	Dirty       bool     `json:"dirty"`        // a write not yet pushed
	Error       string   `json:"error"`        // the last push's error
	Deleted     bool     `json:"deleted"`      // being removed from its targets
	NameServers []string `json:"name_servers"` // the delegation its provider assigned
	Token       string   `json:"-"`            // the zone's own dirty token
	// RecordsVersion changes whenever one of its records does (see
	// migration 5), whoever wrote it.
	RecordsVersion int64 `json:"-"`
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
	// Push state (see migration 4); read-only for writers.
	Dirty         bool   `json:"dirty"`
	Error         string `json:"error"`
	Token         string `json:"-"` // the dirty token, "" when clean
	CreatePending bool   `json:"-"`
	Deleted       bool   `json:"-"`
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
	dirty := ""
	if len(z.Targets) > 0 {
		dirty = token() // its creation at the targets
	}
	_, err = t.exec(ctx, `INSERT INTO zones (id, root, targets, dirty) VALUES (?, ?, ?, ?)`, z.ID, z.Root, string(targets), dirty)
	z.Dirty, z.Token = dirty != "", dirty
	return err
}

// DeleteZone removes a zone and its records. A zone with targets is only
// marked deleted: the reconcile loop removes it from its providers, then
// calls PurgeZone.
func (t *Tx) DeleteZone(ctx context.Context, id string) error {
	res, err := t.exec(ctx, `UPDATE zones SET deleted = TRUE, dirty = ? WHERE id = ? AND targets <> '[]' AND NOT deleted`, token(), id)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err == nil && n == 1 {
		return nil
	}
	return t.PurgeZone(ctx, id)
}

// PurgeZone removes a zone and its records for good.
func (t *Tx) PurgeZone(ctx context.Context, id string) error {
	res, err := t.exec(ctx, `DELETE FROM zones WHERE id = ?`, id)
	if err != nil {
		return err
	}
	return changed(res, "zone "+id)
}

// Zones reads every store zone, by root.
func (t *Tx) Zones(ctx context.Context) ([]*Zone, error) {
	return collect(ctx, t, scanZone, `SELECT `+zoneColumns+` FROM zones WHERE NOT deleted ORDER BY root`)
}

// DeletedZones reads the zones being removed from their targets.
func (t *Tx) DeletedZones(ctx context.Context) ([]*Zone, error) {
	return collect(ctx, t, scanZone, `SELECT `+zoneColumns+` FROM zones WHERE deleted ORDER BY root`)
}

// zoneColumns reads a zone as dirty when it or one of its records is; the
// records are found once for all zones through the index on dirty (a
// range scan for non-empty tokens), not by a scan of each zone's records.
const zoneColumns = `id, root, targets, dirty <> '' OR id IN (SELECT zone_id FROM records WHERE dirty > ''), push_error, deleted, name_servers, dirty, records_version`

// Zone reads one zone.
func (t *Tx) Zone(ctx context.Context, id string) (*Zone, error) {
	z, err := scanZone(t.queryRow(ctx, `SELECT `+zoneColumns+` FROM zones WHERE id = ? AND NOT deleted`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("zone %s: %w", id, ErrNotFound)
	}
	return z, err
}

func scanZone(row scanner) (*Zone, error) {
	z := &Zone{}
	var targets, ns string
	if err := row.Scan(&z.ID, &z.Root, &targets, &z.Dirty, &z.Error, &z.Deleted, &ns, &z.Token, &z.RecordsVersion); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(targets), &z.Targets); err != nil {
		return nil, fmt.Errorf("store: targets of zone %s: %w", z.ID, err)
	}
	if err := json.Unmarshal([]byte(ns), &z.NameServers); err != nil {
		return nil, fmt.Errorf("store: name servers of zone %s: %w", z.ID, err)
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
	// A tombstone of the same name and type is revived: the record was
	// pushed, so this one overwrites it rather than being refused by it.
	res, err := t.exec(ctx, `DELETE FROM records WHERE zone_id = ? AND name = ? AND type = ? AND deleted`, r.ZoneID, r.Name, r.Type)
	if err != nil {
		return err
	}
	revived, _ := res.RowsAffected()
	r.CreatePending = revived == 0
	err = t.queryRow(ctx, `INSERT INTO records (id, zone_id, name, type, ttl, vals, policy_id, dirty, create_pending)
		VALUES (?, ?, ?, ?, ?, ?, ?, (SELECT CASE WHEN targets <> '[]' THEN ? ELSE '' END FROM zones WHERE id = ?), ?) RETURNING dirty`,
		r.ID, r.ZoneID, r.Name, r.Type, r.TTL, string(vals), r.PolicyID(), token(), r.ZoneID, r.CreatePending).Scan(&r.Token)
	r.Dirty = r.Token != ""
	return classify(err)
}

// PolicyID is the policy a policy record points at, or "".
func (r *Record) PolicyID() string {
	if _, ok := model.PolicyRecordType(r.Type); ok && len(r.Values) == 1 {
		return r.Values[0]
	}
	return ""
}

// PolicyRecords reads the records that point at any of the policies ids.
func (t *Tx) PolicyRecords(ctx context.Context, ids ...string) ([]*Record, error) {
	var out []*Record
	for _, id := range ids {
		rs, err := collect(ctx, t, scanRecord, `SELECT `+recordColumns+` FROM records WHERE policy_id = ? AND NOT deleted ORDER BY zone_id, name, type`, id)
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
	err = t.queryRow(ctx, `UPDATE records SET ttl = ?, vals = ?, policy_id = ?, create_pending = FALSE,
		dirty = (SELECT CASE WHEN targets <> '[]' THEN ? ELSE '' END FROM zones WHERE zones.id = records.zone_id)
		WHERE id = ? AND NOT deleted RETURNING dirty`, r.TTL, string(vals), r.PolicyID(), token(), r.ID).Scan(&r.Token)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("record %s: %w", r.ID, ErrNotFound)
	}
	r.Dirty, r.CreatePending = r.Token != "", false
	return classify(err)
}

// DeleteRecord removes a record. One that may be at a provider (its zone
// has targets and it is not a create never pushed) stays as a tombstone
// until its deletion is pushed.
func (t *Tx) DeleteRecord(ctx context.Context, id string) error {
	res, err := t.exec(ctx, `UPDATE records SET deleted = TRUE, dirty = ? WHERE id = ? AND NOT deleted AND NOT create_pending
		AND zone_id IN (SELECT id FROM zones WHERE targets <> '[]')`, token(), id)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err == nil && n == 1 {
		return nil
	}
	res, err = t.exec(ctx, `DELETE FROM records WHERE id = ? AND NOT deleted`, id)
	if err != nil {
		return err
	}
	return changed(res, "record "+id)
}

// Records reads a zone's records, by name and type.
func (t *Tx) Records(ctx context.Context, zoneID string) ([]*Record, error) {
	return collect(ctx, t, scanRecord, `SELECT `+recordColumns+` FROM records WHERE zone_id = ? AND NOT deleted ORDER BY name, type`, zoneID)
}

// Tombstones reads a zone's records deleted but not yet at its providers.
func (t *Tx) Tombstones(ctx context.Context, zoneID string) ([]*Record, error) {
	return collect(ctx, t, scanRecord, `SELECT `+recordColumns+` FROM records WHERE zone_id = ? AND deleted ORDER BY name, type`, zoneID)
}

const recordColumns = `id, zone_id, name, type, ttl, vals, dirty, push_error, create_pending, deleted`

// Record reads one record.
func (t *Tx) Record(ctx context.Context, id string) (*Record, error) {
	r, err := scanRecord(t.queryRow(ctx, `SELECT `+recordColumns+` FROM records WHERE id = ? AND NOT deleted`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("record %s: %w", id, ErrNotFound)
	}
	return r, err
}

func scanRecord(row scanner) (*Record, error) {
	r := &Record{}
	var vals string
	if err := row.Scan(&r.ID, &r.ZoneID, &r.Name, &r.Type, &r.TTL, &vals, &r.Token, &r.Error, &r.CreatePending, &r.Deleted); err != nil {
		return nil, err
	}
	r.Dirty = r.Token != ""
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
