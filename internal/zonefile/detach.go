package zonefile

import (
	"strings"
	"unsafe"

	"github.com/signpost-dns/signpost/internal/model"
)

// The fast reader slices its scalars out of the file's bytes without
// copying them. Parse then copies out the strings a zone keeps, so that
// the zone never shares memory with the caller's bytes, and the text of a
// file (a hundred megabytes for a million records) is garbage once its
// zone is built, instead of being held by a few strings of every record.

// detacher copies strings out of a file's text into blocks of its own
// (one allocation per block, not per string; a block is never written
// again where a string was copied); strings that repeat within the file
// (types, pool names, geos, checks) are copied once.
type detacher struct {
	seen  map[string]string
	block []byte
	size  int // of a new block: what the file could need, up to 64 KiB
}

func newDetacher(fileSize int) *detacher {
	return &detacher{seen: map[string]string{}, size: min(max(fileSize, 64), 64<<10)}
}

// own copies a string that is likely unique within the file.
func (d *detacher) own(s string) string {
	if len(s) == 0 {
		return ""
	}
	if len(s) > cap(d.block)-len(d.block) {
		if len(s) > d.size/4 {
			return strings.Clone(s) // a long one gets its own
		}
		d.block = make([]byte, 0, d.size)
	}
	start := len(d.block)
	d.block = append(d.block, s...)
	return unsafe.String(&d.block[start], len(s))
}

// common copies a string that likely repeats within the file, once.
func (d *detacher) common(s string) string {
	if s == "" {
		return ""
	}
	if c, ok := d.seen[s]; ok {
		return c
	}
	c := d.own(s)
	d.seen[c] = c
	return c
}

func (d *detacher) zone(z *model.Zone, probs model.Problems) {
	for _, r := range z.Records {
		d.record(r)
	}
	for i := range probs {
		p := &probs[i]
		p.File, p.Name, p.Reason = d.common(p.File), d.own(p.Name), d.own(p.Reason)
		p.Type = model.RRType(d.common(string(p.Type)))
	}
}

func (d *detacher) record(r *model.Record) {
	r.Zone, r.Name, r.Policy = d.common(r.Zone), d.own(r.Name), d.common(r.Policy)
	r.Type = model.RRType(d.common(string(r.Type)))
	for i, v := range r.Values {
		r.Values[i] = d.own(v)
	}
	if r.Check != nil {
		d.check(r.Check)
	}
	if r.Dynamic != nil {
		d.dynamic(r.Dynamic)
	}
	if r.Providers != nil {
		out := make(map[string]*model.Data, len(r.Providers))
		for k, v := range r.Providers {
			out[d.common(k)] = d.data(v)
		}
		r.Providers = out
	}
}

func (d *detacher) dynamic(dy *model.Dynamic) {
	for _, p := range dy.Pools {
		p.Name, p.Fallback = d.common(p.Name), d.common(p.Fallback)
		for i := range p.Values {
			pv := &p.Values[i]
			pv.Value = d.own(pv.Value)
			if pv.Healthcheck != nil {
				d.check(pv.Healthcheck)
			}
		}
	}
	for _, ru := range dy.Rules {
		ru.Pool = d.common(ru.Pool)
		for i := range ru.Geos {
			g := &ru.Geos[i]
			g.Continent, g.Country, g.Subdivision = d.common(g.Continent), d.common(g.Country), d.common(g.Subdivision)
		}
	}
}

func (d *detacher) check(hc *model.Healthcheck) {
	hc.Protocol, hc.Host, hc.Path, hc.ExpectBody = d.common(hc.Protocol), d.common(hc.Host), d.common(hc.Path), d.common(hc.ExpectBody)
}

// data copies a provider-specific block whole.
func (d *detacher) data(x *model.Data) *model.Data {
	if x == nil {
		return nil
	}
	c := &model.Data{Kind: x.Kind, Line: x.Line, Text: d.common(x.Text)}
	if x.Keys != nil {
		c.Keys = make([]string, len(x.Keys))
		for i, k := range x.Keys {
			c.Keys[i] = d.common(k)
		}
	}
	if x.Values != nil {
		c.Values = make([]*model.Data, len(x.Values))
		for i, v := range x.Values {
			c.Values[i] = d.data(v)
		}
	}
	if x.Items != nil {
		c.Items = make([]*model.Data, len(x.Items))
		for i, v := range x.Items {
			c.Items[i] = d.data(v)
		}
	}
	return c
}
