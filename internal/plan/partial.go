package plan

import (
	"fmt"
	"strings"
)

// RecordError is why one record of a zone was not pushed.
type RecordError struct {
	Name   string `json:"name"` // fully qualified
	Type   string `json:"type"`
	Reason string `json:"reason"`
}

func (e RecordError) String() string { return e.Name + " " + e.Type + ": " + e.Reason }

// PartialError is an apply that pushed all of a zone's changes but those
// of Failed: a provider isolates records it refuses, so that one bad
// record does not hold the rest of the zone back.
type PartialError struct {
	Zone   string
	Failed []RecordError
}

func (e *PartialError) Error() string {
	lines := make([]string, len(e.Failed))
	for i, f := range e.Failed {
		lines[i] = f.String()
	}
	return fmt.Sprintf("%s: %d record(s) not pushed: %s", e.Zone, len(e.Failed), strings.Join(lines, "; "))
}
