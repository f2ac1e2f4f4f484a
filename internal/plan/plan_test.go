package plan_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/signpost-dns/signpost/internal/plan"
)

var update = flag.Bool("update", false, "rewrite golden files")

// set is a native record set for tests: values compare as a set.
type set struct {
	Name   string   `json:"name"`
	Type   string   `json:"type"`
	ID     string   `json:"id,omitempty"`
	Values []string `json:"values"`
}

func (s set) Key() string { return s.Name + " " + s.Type + " " + s.ID }
func (s set) Equal(o *set) bool {
	a, b := slices.Clone(s.Values), slices.Clone(o.Values)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

// input is a golden file's first half.
type input struct {
	Zone     string            `json:"zone"`
	Desired  []plan.Group[set] `json:"desired"`
	Existing []plan.Group[set] `json:"existing"`
	Keep     bool              `json:"keep"`
	Ignore   []string          `json:"ignore"` // "fqdn TYPE"
}

// output is what the test derives: the diff in native sets, the zone plan
// a provider would make of it, and its safety verdict.
type output struct {
	Diff   []plan.GroupChange[set] `json:"diff"`
	Plan   *plan.ZonePlan          `json:"plan"`
	Safety string                  `json:"safety"`
	Text   []string                `json:"text"`
}

func derive(in input) output {
	changes := plan.Diff(in.Desired, in.Existing, plan.DiffOptions{Keep: in.Keep, Ignore: func(name, typ string) bool {
		return slices.Contains(in.Ignore, name+" "+typ)
	}})
	zp := &plan.ZonePlan{Zone: in.Zone, Target: "test", State: plan.Fingerprint(in.Existing)}
	for _, g := range in.Existing {
		if !slices.Contains(in.Ignore, g.Name+" "+g.Type) {
			zp.Existing++
		}
	}
	for _, c := range changes {
		pc := plan.Change{Action: c.Action, Name: c.Name, Type: c.Type}
		for _, sc := range c.Sets {
			pc.Native = append(pc.Native, fmt.Sprintf("%s %s %v", sc.Op, sc.Set.Key(), sc.Set.Values))
		}
		zp.Changes = append(zp.Changes, pc)
	}
	out := output{Diff: changes, Plan: zp, Safety: "ok"}
	if err := zp.CheckSafety(); err != nil {
		out.Safety = err.Error()
	}
	var b bytes.Buffer
	zp.Print(&b, true)
	out.Text = strings.Split(strings.TrimSpace(b.String()), "\n")
	return out
}

// TestGolden reads desired and existing record sets from
// testdata/diff/*.json and compares the diff, the zone plan (as JSON), its
// printout and its safety verdict with the .golden file beside it.
func TestGolden(t *testing.T) {
	files, _ := filepath.Glob("testdata/diff/*.json")
	if len(files) == 0 {
		t.Fatal("no golden inputs")
	}
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			src, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			var in input
			dec := json.NewDecoder(bytes.NewReader(src))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&in); err != nil {
				t.Fatal(err)
			}
			got, err := json.MarshalIndent(derive(in), "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			golden := strings.TrimSuffix(path, ".json") + ".golden"
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("differs from %s (go test -update rewrites it):\n%s", golden, got)
			}
		})
	}
}

// TestSafetyBoundaries checks octoDNS's thresholds at their edges.
func TestSafetyBoundaries(t *testing.T) {
	changes := func(a plan.Action, n int) []plan.Change {
		out := make([]plan.Change, n)
		for i := range out {
			out[i] = plan.Change{Action: a, Name: fmt.Sprintf("h%d.example.com.", i), Type: "A"}
		}
		return out
	}
	tests := []struct {
		name     string
		existing int
		changes  []plan.Change
		want     string // "" for safe
	}{
		{"9 existing: any share is safe", 9, changes(plan.Delete, 9), ""},
		{"3 of 10 updates is 30%: safe", 10, changes(plan.Update, 3), ""},
		{"4 of 10 updates", 10, changes(plan.Update, 4), "[example.com.] Too many updates, 40.00% is over 30.00% (4/10), force required"},
		{"3 of 10 deletes: safe", 10, changes(plan.Delete, 3), ""},
		{"4 of 10 deletes", 10, changes(plan.Delete, 4), "[example.com.] Too many deletes, 40.00% is over 30.00% (4/10), force required"},
		{"creates never count", 10, changes(plan.Create, 50), ""},
		{"root NS update", 1, []plan.Change{{Action: plan.Update, Name: "example.com.", Type: "NS"}}, "[example.com.] Root NS record change, force required"},
		{"root NS create in an empty zone", 0, []plan.Change{{Action: plan.Create, Name: "example.com.", Type: "NS"}}, ""},
		{"NS below the apex", 1, []plan.Change{{Action: plan.Update, Name: "sub.example.com.", Type: "NS"}}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			zp := &plan.ZonePlan{Zone: "example.com.", Existing: tc.existing, Changes: tc.changes}
			err := zp.CheckSafety()
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("refused: %v", err)
			case tc.want != "" && (!errors.Is(err, plan.ErrUnsafe) || !strings.HasSuffix(err.Error(), tc.want)):
				t.Errorf("got %v, want %q", err, tc.want)
			}
		})
	}
}
