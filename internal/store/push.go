package store

import (
	"context"
	"encoding/json"

	"github.com/google/uuid"
)

// token is a fresh dirty token: a write sets one, and a reconcile clears
// the mark only while it is still the one it planned with.
func token() string { return uuid.NewString() }

// markPolicies marks dirty the policy records, in zones with targets, of
// the policies ids: their trees change with the policy.
func (t *Tx) markPolicies(ctx context.Context, ids ...string) error {
	for _, id := range ids {
		_, err := t.exec(ctx, `UPDATE records SET dirty = ? WHERE policy_id = ? AND NOT deleted
			AND zone_id IN (SELECT id FROM zones WHERE targets <> '[]')`, token(), id)
		if err != nil {
			return err
		}
	}
	return nil
}

// Pushed is a record a push carried: its id and the dirty token it was
// planned with; Error is why it was not pushed ("" when it was).
type Pushed struct {
	ID, Token, Error string
	Zone             bool // ID is the zone's: its own mark (its creation)
}

// MarkPushed records a push's outcome. A record pushed is clean if its
// token is still the one planned with (a write since keeps it dirty), and
// a tombstone pushed is removed; a record not pushed keeps its mark and
// gets its error.
func (t *Tx) MarkPushed(ctx context.Context, recs []Pushed) error {
	for _, r := range recs {
		if r.Zone {
			if r.Error == "" {
				if _, err := t.exec(ctx, `UPDATE zones SET dirty = '' WHERE id = ? AND dirty = ?`, r.ID, r.Token); err != nil {
					return err
				}
			}
			continue
		}
		if r.Error != "" {
			if _, err := t.exec(ctx, `UPDATE records SET push_error = ? WHERE id = ? AND dirty = ?`, r.Error, r.ID, r.Token); err != nil {
				return err
			}
			continue
		}
		if _, err := t.exec(ctx, `DELETE FROM records WHERE id = ? AND dirty = ? AND deleted`, r.ID, r.Token); err != nil {
			return err
		}
		_, err := t.exec(ctx, `UPDATE records SET dirty = '', push_error = '', create_pending = FALSE WHERE id = ? AND dirty = ?`, r.ID, r.Token)
		if err != nil {
			return err
		}
	}
	return nil
}

// ZoneFailed keeps a zone's push error.
func (t *Tx) ZoneFailed(ctx context.Context, zoneID, msg string) error {
	_, err := t.exec(ctx, `UPDATE zones SET push_error = ? WHERE id = ?`, msg, zoneID)
	return err
}

// SetNameServers keeps the delegation a provider assigned to a zone.
func (t *Tx) SetNameServers(ctx context.Context, zoneID string, ns []string) error {
	b, err := json.Marshal(nonNil(ns))
	if err != nil {
		return err
	}
	_, err = t.exec(ctx, `UPDATE zones SET name_servers = ? WHERE id = ?`, string(b), zoneID)
	return err
}

// RetireCheck keeps a provider's health check to delete once no record
// set uses it.
func (t *Tx) RetireCheck(ctx context.Context, provider, id string) error {
	_, err := t.exec(ctx, `INSERT INTO retired_checks (provider, check_id) VALUES (?, ?) ON CONFLICT DO NOTHING`, provider, id)
	return err
}

// RetiredChecks reads a provider's retired checks.
func (t *Tx) RetiredChecks(ctx context.Context, provider string) ([]string, error) {
	return collect(ctx, t, func(row scanner) (string, error) {
		var id string
		return id, row.Scan(&id)
	}, `SELECT check_id FROM retired_checks WHERE provider = ? ORDER BY check_id`, provider)
}

// ForgetCheck drops a retired check, once deleted.
func (t *Tx) ForgetCheck(ctx context.Context, provider, id string) error {
	_, err := t.exec(ctx, `DELETE FROM retired_checks WHERE provider = ? AND check_id = ?`, provider, id)
	return err
}

// OrphanChecks reads a provider's IP checks whose IP is gone.
func (t *Tx) OrphanChecks(ctx context.Context, provider string) ([]*IPCheck, error) {
	return collect(ctx, t, scanIPCheck(provider), `SELECT address, caller_reference, check_id FROM ip_checks
		WHERE provider = ? AND address NOT IN (SELECT address FROM ips)`, provider)
}

// MarkClean clears a zone's dirty marks: its records are as its providers
// have them (an import from what manages them now).
func (t *Tx) MarkClean(ctx context.Context, zoneID string) error {
	_, err := t.exec(ctx, `UPDATE records SET dirty = '', push_error = '', create_pending = FALSE WHERE zone_id = ?`, zoneID)
	return err
}
