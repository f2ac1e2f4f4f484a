package store

import (
	"context"
	"fmt"
)

// Versions tell a reader what moved since it last read: Seq changes with
// every committed change to zones, records, policies, members or IPs, by
// any writer; Policies with every change to policies, members or IPs.
// They are kept by the store's triggers (migration 5).
type Versions struct {
	Seq      int64
	Policies int64
}

// Versions reads the change versions.
func (t *Tx) Versions(ctx context.Context) (Versions, error) {
	var v Versions
	if err := t.queryRow(ctx, `SELECT seq, policies FROM store_version WHERE id = 1`).Scan(&v.Seq, &v.Policies); err != nil {
		return v, fmt.Errorf("store: reading the change versions: %w", err)
	}
	return v, nil
}
