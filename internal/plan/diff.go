package plan

import (
	"cmp"
	"slices"
)

// Set is a provider's native record set: it has a key within its zone and
// tells whether another set says the same.
type Set[S any] interface {
	Key() string
	Equal(other *S) bool
}

// Group is a user's record and the native sets a provider implements it
// with.
type Group[S any] struct {
	Name string `json:"name"` // fqdn
	Type string `json:"type"`
	Sets []S    `json:"sets"`
}

// Key is "fqdn TYPE".
func (g *Group[S]) Key() string { return g.Name + " " + g.Type }

// Op is what happens to one native set.
type Op string

// Native set operations.
const (
	Add     Op = "add"
	Replace Op = "replace"
	Remove  Op = "remove"
)

// SetChange is one native set's change; Old is the set replaced.
type SetChange[S any] struct {
	Op  Op `json:"op"`
	Set S  `json:"set"`
	Old *S `json:"old,omitempty"`
}

// GroupChange is a user's record's change and the native set changes that
// carry it out.
type GroupChange[S any] struct {
	Action Action         `json:"action"`
	Name   string         `json:"name"`
	Type   string         `json:"type"`
	Sets   []SetChange[S] `json:"sets"`
}

// DiffOptions tune Diff.
type DiffOptions struct {
	// Keep leaves existing records that are absent from the desired state
	// alone instead of deleting them.
	Keep bool
	// Ignore says which existing records ("fqdn", "TYPE") are never
	// touched, such as the apex NS when the zone file has none.
	Ignore func(name, typ string) bool
}

// Diff compares desired with existing records and returns the changes in
// a stable order: deletes, creates, updates, each by name and type.
func Diff[S Set[S]](desired, existing []Group[S], opts DiffOptions) []GroupChange[S] {
	have := make(map[string]*Group[S], len(existing))
	for i := range existing {
		have[existing[i].Key()] = &existing[i]
	}
	var out []GroupChange[S]
	want := make(map[string]bool, len(desired))
	for i := range desired {
		d := &desired[i]
		want[d.Key()] = true
		e := have[d.Key()]
		if e == nil {
			out = append(out, GroupChange[S]{Action: Create, Name: d.Name, Type: d.Type, Sets: setChanges(d.Sets, nil)})
			continue
		}
		if cs := setChanges(d.Sets, e.Sets); len(cs) > 0 {
			out = append(out, GroupChange[S]{Action: Update, Name: d.Name, Type: d.Type, Sets: cs})
		}
	}
	for i := range existing {
		e := &existing[i]
		if want[e.Key()] || opts.Keep || (opts.Ignore != nil && opts.Ignore(e.Name, e.Type)) {
			continue
		}
		out = append(out, GroupChange[S]{Action: Delete, Name: e.Name, Type: e.Type, Sets: setChanges(nil, e.Sets)})
	}
	slices.SortStableFunc(out, func(a, b GroupChange[S]) int {
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

// setChanges returns Add for sets only desired, Remove for sets only
// existing, and Replace for sets that differ.
func setChanges[S Set[S]](desired, existing []S) []SetChange[S] {
	have := make(map[string]*S, len(existing))
	for i := range existing {
		have[existing[i].Key()] = &existing[i]
	}
	var out []SetChange[S]
	seen := map[string]bool{}
	for _, d := range desired {
		seen[d.Key()] = true
		e := have[d.Key()]
		switch {
		case e == nil:
			out = append(out, SetChange[S]{Op: Add, Set: d})
		case !d.Equal(e):
			old := *e
			out = append(out, SetChange[S]{Op: Replace, Set: d, Old: &old})
		}
	}
	for _, e := range existing {
		if !seen[e.Key()] {
			out = append(out, SetChange[S]{Op: Remove, Set: e})
		}
	}
	return out
}
