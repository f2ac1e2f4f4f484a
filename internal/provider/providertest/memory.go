package providertest

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/signpost-dns/signpost/internal/model"
	"github.com/signpost-dns/signpost/internal/plan"
	"github.com/signpost-dns/signpost/internal/zonefile"
)

// Memory is a provider that keeps zones in memory, one native set per
// record holding the record's octoDNS YAML. It is the reference the suite
// is checked against, and a provider for tests of what drives providers.
type Memory struct {
	name  string
	caps  plan.Capabilities
	mu    sync.Mutex                   // protects zones and calls
	zones map[string]map[string]memSet // zone -> set key -> set
	calls map[string]int
}

// memSet is a record as Memory stores it.
type memSet struct {
	Name string `json:"name"`
	Type string `json:"type"`
	YAML string `json:"yaml"`
}

func (s memSet) Key() string                { return s.Name + " " + s.Type }
func (s memSet) Equal(o *memSet) bool       { return s.YAML == o.YAML }
func (s memSet) describe(op plan.Op) string { return string(op) + " " + s.Key() }

// NewMemory returns an empty Memory named name with caps; nil caps support
// every record type and capability.
func NewMemory(name string, caps plan.Capabilities) *Memory {
	return &Memory{name: name, caps: caps, zones: map[string]map[string]memSet{}, calls: map[string]int{}}
}

// Name implements provider.Provider.
func (m *Memory) Name() string { return m.name }

// Capabilities implements provider.Provider.
func (m *Memory) Capabilities() plan.Capabilities {
	if m.caps != nil {
		return m.caps
	}
	caps := plan.Supports(plan.Dynamic, plan.ValueStatus, plan.Subnets, plan.RootNS)
	for _, t := range model.SupportedTypes() {
		caps[plan.RecordType(t)] = plan.Support{Supported: true}
	}
	return caps
}

// Check implements provider.Provider: Memory takes whatever its
// capabilities allow.
func (m *Memory) Check(*model.Zone) []string { return nil }

// Calls returns how many times each method ran.
func (m *Memory) Calls() map[string]int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return maps(m.calls)
}

func maps(in map[string]int) map[string]int {
	out := make(map[string]int, len(in))
	for k, v := range in {
		out[k] = v
	}
	return out
}

// Plan implements provider.Provider.
func (m *Memory) Plan(_ context.Context, z *model.Zone) (*plan.ZonePlan, error) {
	var desired []plan.Group[memSet]
	for _, r := range z.Records {
		if r.Ignored {
			continue
		}
		s, err := toSet(z.Name, r)
		if err != nil {
			return nil, err
		}
		desired = append(desired, plan.Group[memSet]{Name: s.Name, Type: s.Type, Sets: []memSet{s}})
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.calls["Plan"]++
	existing := m.groups(z.Name)
	zp := &plan.ZonePlan{Zone: z.Name, Target: m.name, Existing: len(existing), State: m.fingerprint(z.Name)}
	changes := plan.Diff(desired, existing, plan.DiffOptions{})
	for _, c := range changes {
		pc := plan.Change{Action: c.Action, Name: c.Name, Type: c.Type}
		for _, sc := range c.Sets {
			pc.Native = append(pc.Native, sc.Set.describe(sc.Op))
		}
		zp.Changes = append(zp.Changes, pc)
	}
	if _, ok := m.zones[z.Name]; !ok {
		zp.Steps = append(zp.Steps, "create zone "+z.Name)
	}
	var err error
	zp.Payload, err = json.Marshal(changes)
	return zp, err
}

// Apply implements provider.Provider.
func (m *Memory) Apply(_ context.Context, zp *plan.ZonePlan) error {
	var changes []plan.GroupChange[memSet]
	if err := json.Unmarshal(zp.Payload, &changes); err != nil {
		return fmt.Errorf("%s: payload: %w", zp.Zone, err)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.calls["Apply"]++
	if m.fingerprint(zp.Zone) != zp.State {
		return fmt.Errorf("%s: %w", zp.Zone, plan.ErrStale)
	}
	sets := m.zones[zp.Zone]
	if sets == nil {
		sets = map[string]memSet{}
		m.zones[zp.Zone] = sets
	}
	for _, c := range changes {
		for _, sc := range c.Sets {
			if sc.Op == plan.Remove {
				delete(sets, sc.Set.Key())
			} else {
				sets[sc.Set.Key()] = sc.Set
			}
		}
	}
	return nil
}

// Dump implements provider.Provider.
func (m *Memory) Dump(_ context.Context, zone string) (*model.Zone, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	z := &model.Zone{Name: zone, File: "memory"}
	for _, g := range m.groups(zone) {
		parsed, probs := zonefile.Parse("memory", zone, []byte(g.Sets[0].YAML))
		if len(probs.Errors()) > 0 {
			return nil, probs
		}
		z.Records = append(z.Records, parsed.Records...)
	}
	return z, nil
}

// groups returns a zone's sets as records, in key order; m.mu is held.
func (m *Memory) groups(zone string) []plan.Group[memSet] {
	var out []plan.Group[memSet]
	for _, s := range m.zones[zone] {
		out = append(out, plan.Group[memSet]{Name: s.Name, Type: s.Type, Sets: []memSet{s}})
	}
	slices.SortFunc(out, func(a, b plan.Group[memSet]) int { return strings.Compare(a.Key(), b.Key()) })
	return out
}

// fingerprint hashes a zone's sets; m.mu is held.
func (m *Memory) fingerprint(zone string) string {
	sets, ok := m.zones[zone]
	return plan.Fingerprint(struct {
		Exists bool
		Sets   []plan.Group[memSet]
	}{ok && sets != nil, m.groups(zone)})
}

func toSet(zone string, r *model.Record) (memSet, error) {
	b, err := zonefile.Format(&model.Zone{Name: zone, Records: []*model.Record{r}})
	if err != nil {
		return memSet{}, err
	}
	return memSet{Name: strings.ToLower(r.FQDN()), Type: string(r.Type), YAML: string(b)}, nil
}
