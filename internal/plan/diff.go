package plan

import (
	"cmp"
	"slices"
)

// Options tune Diff.
type Options struct {
	// Keep leaves existing records that are absent from the desired state
	// alone instead of deleting them.
	Keep bool
	// Ignore says which existing records are never touched (for example
	// the SOA, or the apex NS when the zone file has none).
	Ignore func(r *Record) bool
}

// Diff compares desired with existing records and returns the changes, in
// a stable order: deletes, creates, updates, each by name and type.
func Diff(desired, existing []Record, opts Options) []Change {
	have := make(map[string]*Record, len(existing))
	for i := range existing {
		have[existing[i].Key()] = &existing[i]
	}
	var out []Change
	want := make(map[string]bool, len(desired))
	for i := range desired {
		d := &desired[i]
		want[d.Key()] = true
		e := have[d.Key()]
		if e == nil {
			out = append(out, Change{Action: Create, Name: d.Name, Type: d.Type, RRSets: rrsetChanges(d.RRSets, nil)})
			continue
		}
		if cs := rrsetChanges(d.RRSets, e.RRSets); len(cs) > 0 {
			out = append(out, Change{Action: Update, Name: d.Name, Type: d.Type, RRSets: cs})
		}
	}
	for i := range existing {
		e := &existing[i]
		if want[e.Key()] || opts.Keep || (opts.Ignore != nil && opts.Ignore(e)) {
			continue
		}
		out = append(out, Change{Action: Delete, Name: e.Name, Type: e.Type, RRSets: rrsetChanges(nil, e.RRSets)})
	}
	slices.SortStableFunc(out, func(a, b Change) int {
		return cmp.Or(cmp.Compare(order(a.Action), order(b.Action)), cmp.Compare(a.Name, b.Name), cmp.Compare(a.Type, b.Type))
	})
	return out
}

func order(a Action) int {
	switch a {
	case Delete:
		return 0
	case Create:
		return 1
	}
	return 2
}

// rrsetChanges returns CREATE for rrsets only desired, DELETE for rrsets
// only existing, and UPSERT for rrsets that differ.
func rrsetChanges(desired, existing []RRSet) []RRSetChange {
	have := make(map[string]*RRSet, len(existing))
	for i := range existing {
		have[existing[i].Key()] = &existing[i]
	}
	var out []RRSetChange
	seen := map[string]bool{}
	for i := range desired {
		d := desired[i]
		seen[d.Key()] = true
		e := have[d.Key()]
		switch {
		case e == nil:
			out = append(out, RRSetChange{Action: "CREATE", RRSet: d})
		case !d.Equal(e):
			old := *e
			out = append(out, RRSetChange{Action: "UPSERT", RRSet: d, Old: &old})
		}
	}
	for i := range existing {
		if !seen[existing[i].Key()] {
			out = append(out, RRSetChange{Action: "DELETE", RRSet: existing[i]})
		}
	}
	return out
}
