package plan

import (
	"errors"
	"fmt"
)

// Safety thresholds, as octoDNS has them.
const (
	MinExisting     = 10  // below this many existing records, no threshold applies
	UpdateThreshold = 0.3 // share of existing records a plan may update
	DeleteThreshold = 0.3 // share of existing records a plan may delete
)

// Errors that classify refused plans.
var (
	ErrUnsafe = errors.New("unsafe plan")                              // too much change without --force
	ErrStale  = errors.New("the zone changed since the plan was made") // a saved plan no longer fits
)

// CheckSafety refuses plans that change too much of a zone, or its root
// NS, with octoDNS's messages.
func (z *ZonePlan) CheckSafety() error {
	for _, c := range z.Changes {
		if c.Type == "NS" && c.Name == z.Zone && c.Action != Create && z.Existing > 0 {
			return fmt.Errorf("%w: [%s] Root NS record change, force required", ErrUnsafe, z.Zone)
		}
	}
	if z.Existing < MinExisting {
		return nil
	}
	_, updates, deletes := z.Counts()
	if pct := float64(updates) / float64(z.Existing); pct > UpdateThreshold {
		return fmt.Errorf("%w: [%s] Too many updates, %.2f%% is over %.2f%% (%d/%d), force required",
			ErrUnsafe, z.Zone, pct*100, UpdateThreshold*100, updates, z.Existing)
	}
	if pct := float64(deletes) / float64(z.Existing); pct > DeleteThreshold {
		return fmt.Errorf("%w: [%s] Too many deletes, %.2f%% is over %.2f%% (%d/%d), force required",
			ErrUnsafe, z.Zone, pct*100, DeleteThreshold*100, deletes, z.Existing)
	}
	return nil
}
