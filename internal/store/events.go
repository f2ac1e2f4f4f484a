package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"
)

// Event is one entry of the audit log: a change (who, what, before and
// after) or a health transition.
type Event struct {
	ID      int64           `json:"id"`
	Time    time.Time       `json:"time"`
	Actor   string          `json:"actor"`   // a token's name, or "health"
	Kind    string          `json:"kind"`    // e.g. "policy.update", "health.down"
	Subject string          `json:"subject"` // what it is about: an id, an address
	Before  json.RawMessage `json:"before,omitempty"`
	After   json.RawMessage `json:"after,omitempty"`
}

// AddEvent appends e to the log and sets its id.
func (t *Tx) AddEvent(ctx context.Context, e *Event) error {
	q := `INSERT INTO events (at, actor, kind, subject, before, after) VALUES (?, ?, ?, ?, ?, ?) RETURNING id`
	err := t.queryRow(ctx, q, e.Time.UnixNano(), e.Actor, e.Kind, e.Subject, string(e.Before), string(e.After)).Scan(&e.ID)
	if err != nil {
		return fmt.Errorf("store: adding an event: %w", err)
	}
	return nil
}

// Events returns up to limit events, newest first, older than the event
// with id before (0: from the newest).
func (t *Tx) Events(ctx context.Context, before int64, limit int) ([]*Event, error) {
	q := `SELECT id, at, actor, kind, subject, before, after FROM events`
	args := []any{}
	if before > 0 {
		q += ` WHERE id < ?`
		args = append(args, before)
	}
	q += ` ORDER BY id DESC LIMIT ?`
	return collect(ctx, t, scanEvent, q, append(args, limit)...)
}

func scanEvent(row scanner) (*Event, error) {
	e := &Event{}
	var at int64
	var b, a string
	if err := row.Scan(&e.ID, &at, &e.Actor, &e.Kind, &e.Subject, &b, &a); err != nil {
		return nil, err
	}
	e.Time = time.Unix(0, at).UTC()
	if b != "" {
		e.Before = json.RawMessage(b)
	}
	if a != "" {
		e.After = json.RawMessage(a)
	}
	return e, nil
}
