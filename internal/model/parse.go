package model

import (
	"fmt"
	"regexp"
	"strings"
)

// DefaultTTL is the TTL of a record that names none (octoDNS YamlProvider's
// default_ttl).
const DefaultTTL = 3600

// maxTTL is the largest TTL RFC 2181 allows.
const maxTTL = 1<<31 - 1

var recordKeys = map[string]bool{"type": true, "ttl": true, "value": true, "values": true, "dynamic": true, "geo": true, "octodns": true}

var srvName = regexp.MustCompile(`^(\*|_[^.]+)\.[^.]+`)

// ParseRecord validates one record's data and builds it. name is relative to
// zone ("" for the apex). The record is nil when it cannot be served at all:
// it has errors and is not lenient, or it is ignored or of a type signpost
// skips. Problems carry lines but no file; the caller adds it.
func ParseRecord(zone, name string, d *Data) (*Record, Problems) {
	rs := &reasons{}
	if enc, err := IDNA(name); err != nil {
		rs.add(d.Line, "%v", err)
	} else {
		name = enc
	}
	rec := &Record{Zone: zone, Name: name, TTL: DefaultTTL, Line: d.Line}
	checkName(zone, name, d.Line, rs)
	if d.Kind != KindMap {
		rs.add(d.Line, "record must be a dict with a type")
		return nil, finish(rec, rs, false)
	}
	if !parseType(rec, d, rs) {
		return nil, finish(rec, rs, false)
	}
	if !rec.Type.Supported() {
		rec.Lenient = true
		rs.add(d.Line, "type %s is not served by signpost; record skipped", rec.Type)
		return nil, finish(rec, rs, true)
	}
	for _, k := range d.Keys {
		if !recordKeys[k] {
			rs.add(d.Line, "unknown key %q", k)
		}
	}
	parseTTL(rec, d, rs)
	parseMeta(rec, d, rs)
	parseValues(rec, d, rs)
	parseTypeRules(rec, rs)
	if dyn, ok := d.Get("dynamic"); ok {
		parseDynamicBlock(rec, d, dyn, rs)
	} else if g, ok := d.Get("geo"); ok {
		rec.Lenient = true
		rs.add(g.Line, `"geo" is deprecated and not served by signpost; use "dynamic"`)
	}
	probs := finish(rec, rs, rec.Lenient)
	if rec.Ignored || (len(probs.Errors()) > 0) {
		return nil, probs
	}
	return rec, probs
}

func finish(rec *Record, rs *reasons, warn bool) Problems {
	out := make(Problems, 0, len(rs.list))
	for _, r := range rs.list {
		line := r.line
		if line == 0 {
			line = rec.Line
		}
		out = append(out, Problem{Line: line, Name: rec.FQDN(), Type: rec.Type, Reason: r.text, Warning: warn || r.warn})
	}
	return out
}

func checkName(zone, name string, line int, rs *reasons) {
	if name == "@" {
		rs.add(line, `invalid name "@", use "" instead`)
	}
	if n := len(zone) + len(name) + min(len(name), 1); n > 253 {
		rs.add(line, `invalid fqdn, "%s" is too long at %d chars, max is 253`, NameFQDN(name, zone), n)
	}
	for label := range strings.SplitSeq(name, ".") {
		if n := len(label); n > 63 {
			rs.add(line, `invalid label, "%s" is too long at %d chars, max is 63`, label, n)
		}
	}
}

func parseType(rec *Record, d *Data, rs *reasons) bool {
	t, ok := d.Get("type")
	if !ok || t.Kind != KindString || t.Text == "" {
		rs.add(d.Line, "missing type")
		return false
	}
	rec.Type = RRType(strings.ToUpper(t.Text))
	if !rec.Type.Supported() && !rec.Type.octodnsOnly() {
		rs.add(t.Line, "unknown record type %q", t.Text)
		return false
	}
	return true
}

func parseTTL(rec *Record, d *Data, rs *reasons) {
	t, ok := d.Get("ttl")
	if !ok {
		return
	}
	n, valid := t.Int()
	switch {
	case !valid || n < 0:
		rs.add(t.Line, "invalid ttl")
	case n > maxTTL:
		rs.add(t.Line, "invalid ttl %d, max is %d", n, maxTTL)
	default:
		rec.TTL = uint32(n)
	}
}

func parseValues(rec *Record, d *Data, rs *reasons) {
	v, ok := d.Get("values")
	if !ok {
		v, ok = d.Get("value")
	}
	if !ok || v.Kind == KindNull || (v.Kind == KindList && len(v.Items) == 0) {
		if rec.Type.single() {
			rs.add(d.Line, "missing value")
		} else {
			rs.add(d.Line, "missing value(s)")
		}
		return
	}
	items := []*Data{v}
	if v.Kind == KindList {
		items = v.Items
	}
	if rec.Type.single() && len(items) > 1 {
		rs.add(v.Line, "%s takes a single value, got %d", rec.Type, len(items))
	}
	seen := map[string]bool{}
	for _, it := range items {
		text, why := ValidateValue(rec.Type, it)
		for _, w := range why {
			rs.add(it.Line, "%s", w)
		}
		if len(why) == 0 && !seen[text] {
			seen[text] = true
			rec.Values = append(rec.Values, text)
		}
	}
}

func parseTypeRules(rec *Record, rs *reasons) {
	switch rec.Type {
	case "CNAME":
		if rec.Name == "" {
			rs.add(rec.Line, "root CNAME not allowed")
		}
	case "SRV":
		if !srvName.MatchString(rec.Name) {
			rs.add(rec.Line, "invalid name for SRV record")
		}
	}
}

func parseDynamicBlock(rec *Record, d, dyn *Data, rs *reasons) {
	if !rec.Type.Dynamic() {
		rs.add(dyn.Line, "dynamic is not supported for %s records", rec.Type)
		return
	}
	if d.Has("geo") {
		rs.add(dyn.Line, `"dynamic" record with "geo" content`)
	}
	if dyn.Kind != KindMap {
		rs.add(dyn.Line, "dynamic must be a dict")
		return
	}
	for _, k := range dyn.Keys {
		if k != "pools" && k != "rules" {
			rs.add(dyn.Line, "unknown key %q in dynamic", k)
		}
	}
	rec.Dynamic = parseDynamic(rec.Type, dyn, rs)
	if rec.Signpost.Answers > 1 && rec.Type == "CNAME" {
		rs.add(rec.Line, "octodns.signpost.answers must be 1 for CNAME records")
	}
}

// parseMeta reads the octodns block: lenient, ignored, included, excluded,
// healthcheck and signpost. Other keys are provider-specific blocks, which
// octoDNS allows and signpost leaves alone.
func parseMeta(rec *Record, d *Data, rs *reasons) {
	rec.Signpost.Answers = 1
	meta, ok := d.Get("octodns")
	if !ok {
		return
	}
	if meta.Kind != KindMap {
		rs.add(meta.Line, "octodns must be a dict")
		return
	}
	rec.Lenient = boolKey(meta, "lenient", rs)
	rec.Ignored = boolKey(meta, "ignored", rs)
	if hc, ok := meta.Get("healthcheck"); ok {
		parseHealthcheck(rec, hc, rs)
	}
	if sp, ok := meta.Get("signpost"); ok {
		parseSignpost(rec, sp, rs)
	}
	for i, k := range meta.Keys {
		switch k {
		case "lenient", "ignored", "healthcheck", "signpost", "included", "excluded":
		default:
			if rec.Providers == nil {
				rec.Providers = map[string]*Data{}
			}
			rec.Providers[k] = meta.Values[i]
		}
	}
}

func boolKey(m *Data, key string, rs *reasons) bool {
	v, ok := m.Get(key)
	if !ok {
		return false
	}
	if v.Kind != KindBool {
		rs.add(v.Line, "octodns.%s must be true or false", key)
		return false
	}
	return v.Text == "true"
}

func parseHealthcheck(rec *Record, hc *Data, rs *reasons) {
	if hc.Kind != KindMap {
		rs.add(hc.Line, "octodns.healthcheck must be a dict")
		return
	}
	own := rec.ownCheck()
	for i, k := range hc.Keys {
		v := hc.Values[i]
		switch k {
		case "protocol":
			p := v.Text
			switch p {
			case "HTTP", "HTTPS", "TCP", "ICMP":
				own.Protocol = p
			case "UDP":
				own.Protocol = p
				rs.warn(v.Line, "UDP health checks are not supported by signpost; the values are treated as healthy")
			default:
				rs.add(v.Line, "invalid healthcheck protocol")
			}
		case "host":
			own.Host = v.Text
		case "path":
			own.Path = v.Text
		case "port":
			n, ok := v.Int()
			if !ok || n < 1 || n > 65535 {
				rs.add(v.Line, "invalid healthcheck port %q", v.String())
				continue
			}
			own.Port = uint16(n)
		default:
			rs.add(v.Line, "unknown key %q in octodns.healthcheck", k)
		}
	}
}

func parseSignpost(rec *Record, sp *Data, rs *reasons) {
	if sp.Kind != KindMap {
		rs.add(sp.Line, "octodns.signpost must be a dict")
		return
	}
	for i, k := range sp.Keys {
		v := sp.Values[i]
		switch k {
		case "answers":
			n, ok := v.Int()
			if !ok || n < 1 || n > 64 || v.Kind != KindInt {
				rs.add(v.Line, "octodns.signpost.answers must be a whole number from 1 to 64, got %s", v)
				continue
			}
			rec.Signpost.Answers = int(n)
		case "healthcheck":
			parseProbeOptions(rec.ownCheck(), v, rs)
		default:
			rs.add(v.Line, "unknown key %q in octodns.signpost", k)
		}
	}
}

// ValidateZone checks what involves several records of one zone. It returns
// problems without file names.
func ValidateZone(z *Zone) Problems {
	var out Problems
	// Most names hold one record: count them first, and look at types
	// only where a name holds several.
	count := make(map[string]int32, len(z.Records))
	for _, r := range z.Records {
		count[strings.ToLower(r.Name)]++
	}
	type nameType struct {
		name string
		typ  RRType
	}
	seen := map[nameType]bool{}
	for _, r := range z.Records {
		n := strings.ToLower(r.Name)
		if count[n] < 2 {
			continue
		}
		if seen[nameType{n, r.Type}] {
			out = append(out, Problem{Line: r.Line, Name: r.FQDN(), Type: r.Type, Reason: "duplicate record: " + string(r.Type) + " is defined twice at this name"})
		}
		seen[nameType{n, r.Type}] = true
		if r.Type == "CNAME" {
			out = append(out, Problem{Line: r.Line, Name: r.FQDN(), Type: r.Type, Reason: fmt.Sprintf("CNAME cannot coexist with other records at %s", r.FQDN())})
		}
	}
	return out
}
