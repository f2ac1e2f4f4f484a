package plan

import (
	"slices"

	"github.com/signpost-dns/signpost/internal/model"
)

// Capability is something a record may need from a provider.
type Capability string

// Capabilities a record can need besides its type.
const (
	Dynamic     Capability = "dynamic records"
	ValueStatus Capability = "pool value status up/down"
	Subnets     Capability = "subnet rules"
	RootNS      Capability = "managing the apex NS"
)

// RecordType is the capability of holding records of type t.
func RecordType(t model.RRType) Capability { return Capability("type " + string(t)) }

// Support is whether a provider has a capability, and why not.
type Support struct {
	Supported bool   `json:"supported"`
	Reason    string `json:"reason,omitempty"`
	// Warning, on a supported capability, is what is lost: each record
	// needing it gets the warning once (validate and plan show it).
	Warning string `json:"warning,omitempty"`
}

// Capabilities is what a provider supports. A capability it does not list
// is unsupported.
type Capabilities map[Capability]Support

// Supports lists caps as supported.
func Supports(caps ...Capability) Capabilities {
	out := Capabilities{}
	for _, c := range caps {
		out[c] = Support{Supported: true}
	}
	return out
}

// Needs returns the capabilities r needs, in a stable order.
func Needs(r *model.Record) []Capability {
	out := []Capability{RecordType(r.Type)}
	if r.Name == "" && r.Type == "NS" {
		out = append(out, RootNS)
	}
	d := r.Dynamic
	if d == nil {
		return out
	}
	out = append(out, Dynamic)
	if slices.ContainsFunc(d.Pools, func(p *model.Pool) bool {
		return slices.ContainsFunc(p.Values, func(v model.PoolValue) bool { return v.Status != model.StatusObey })
	}) {
		out = append(out, ValueStatus)
	}
	if slices.ContainsFunc(d.Rules, func(r *model.Rule) bool { return len(r.Subnets) > 0 }) {
		out = append(out, Subnets)
	}
	return out
}

// Check reports, with file and line, every record of z that needs what
// caps lacks; target names the provider in the reasons. A record whose
// dynamic block is unsupported is not checked further.
func (caps Capabilities) Check(target string, z *model.Zone) model.Problems {
	var out model.Problems
	for _, r := range z.Records {
		if r.Ignored {
			continue
		}
		warned := false
		for _, c := range Needs(r) {
			s := caps[c]
			if s.Supported {
				if s.Warning != "" && !warned {
					warned = true
					out = append(out, model.Problem{File: z.File, Line: r.Line, Name: r.FQDN(), Type: r.Type, Warning: true,
						Reason: string(c) + " on " + target + ": " + s.Warning})
				}
				continue
			}
			reason := string(c) + ": not supported by " + target
			if s.Reason != "" {
				reason += ": " + s.Reason
			}
			out = append(out, model.Problem{File: z.File, Line: r.Line, Name: r.FQDN(), Type: r.Type, Reason: reason})
			if c == Dynamic {
				break
			}
		}
	}
	return out
}
