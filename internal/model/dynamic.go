package model

import (
	"cmp"
	"fmt"
	"net/netip"
	"slices"
	"sort"
	"strings"
)

// parseDynamic validates a dynamic block exactly as octoDNS's
// DynamicValidator does, collecting every reason, and builds the typed
// block from whatever parts are usable.
func parseDynamic(typ RRType, dyn *Data, rs *reasons) *Dynamic {
	out := &Dynamic{}
	pools, _ := dyn.Get("pools")
	exist, fallbackSeen := parsePools(typ, dyn, pools, out, rs)
	used := parseRules(dyn, pools, out, rs)
	var unused []string
	for _, name := range exist {
		if !used[name] && !fallbackSeen[name] {
			unused = append(unused, name)
		}
	}
	if len(unused) > 0 {
		sort.Strings(unused)
		rs.add(dyn.Line, `unused pools: "%s"`, strings.Join(unused, `", "`))
	}
	return out
}

// parsePools checks rules 2–12 and returns the pools that exist and the
// pools named as another's fallback.
func parsePools(typ RRType, dyn, pools *Data, out *Dynamic, rs *reasons) ([]string, map[string]bool) {
	fallbackSeen := map[string]bool{}
	switch {
	case pools == nil:
		rs.add(dyn.Line, "missing pools")
		return nil, fallbackSeen
	case pools.Kind != KindMap:
		rs.add(pools.Line, "pools must be a dict")
		return nil, fallbackSeen
	case len(pools.Keys) == 0:
		rs.add(pools.Line, "missing pools")
		return nil, fallbackSeen
	}
	var exist []string
	for _, id := range sortedKeys(pools) {
		pool, _ := pools.Get(id)
		if pool.Kind != KindMap {
			rs.add(pool.Line, `pool "%s" must be a dict`, id)
			continue
		}
		values, ok := pool.Get("values")
		if !ok {
			rs.add(pool.Line, `pool "%s" is missing values`, id)
			continue
		}
		exist = append(exist, id)
		if !poolNameOK(id) {
			rs.add(pool.Line, `pool "%s" name must be 1 to %d letters, digits, "-" or "_", to fit in a DNS label`, id, MaxPoolName)
		}
		p := &Pool{Name: id, Line: pool.Line}
		p.Values = parsePoolValues(typ, id, values, rs)
		if fb, ok := pool.Get("fallback"); ok && fb.Kind != KindNull {
			if _, defined := pools.Get(fb.Text); defined && fb.IsScalar() {
				fallbackSeen[fb.Text] = true
				p.Fallback = fb.Text
			} else {
				rs.add(fb.Line, `undefined fallback "%s" for pool "%s"`, fb, id)
			}
		}
		checkFallbackLoop(id, pools, pool.Line, rs)
		out.Pools = append(out.Pools, p)
	}
	return exist, fallbackSeen
}

func checkFallbackLoop(id string, pools *Data, line int, rs *reasons) {
	next := func(name string) (string, bool) {
		p, _ := pools.Get(name)
		fb, ok := p.Get("fallback")
		if !ok || fb.Kind == KindNull {
			return "", false
		}
		return fb.String(), true
	}
	fb, ok := next(id)
	if !ok {
		return
	}
	seen := []string{id, fb}
	for {
		fb, ok = next(fb)
		if !ok {
			return
		}
		if slices.Contains(seen, fb) {
			rs.add(line, "loop in pool fallbacks: %s", strings.Join(seen, " -> "))
			return
		}
		seen = append(seen, fb)
	}
}

func parsePoolValues(typ RRType, id string, values *Data, rs *reasons) []PoolValue {
	if values.Kind != KindList {
		rs.add(values.Line, `pool "%s" values must be a list`, id)
		return nil
	}
	var out []PoolValue
	for i, v := range values.Items {
		if pv, ok := parsePoolValue(typ, id, i+1, v, rs); ok {
			out = append(out, pv)
		}
	}
	if len(values.Items) == 1 {
		if w, ok := values.Items[0].Get("weight"); ok && !isOne(w) {
			rs.add(values.Line, `pool "%s" has single value with weight!=1`, id)
		}
	}
	slices.SortFunc(out, func(a, b PoolValue) int { return cmp.Compare(a.Value, b.Value) })
	return out
}

// isOne mirrors Python's `value == 1`, which is true for 1, 1.0 and True.
func isOne(d *Data) bool {
	switch d.Kind {
	case KindInt, KindFloat, KindBool:
		n, ok := d.Int()
		return ok && n == 1 && (d.Kind != KindFloat || strings.TrimRight(strings.TrimRight(d.Text, "0"), ".") == "1")
	}
	return false
}

func parsePoolValue(typ RRType, id string, num int, v *Data, rs *reasons) (PoolValue, bool) {
	pv := PoolValue{Weight: 1, Line: v.Line}
	if v.Kind != KindMap {
		rs.add(v.Line, `pool "%s" value %d must be a dict`, id, num)
		return pv, false
	}
	ok := true
	if w, has := v.Get("weight"); has {
		n, valid := w.Int()
		switch {
		case !valid:
			rs.add(w.Line, `invalid weight "%s" in pool "%s" value %d`, w, id, num)
			ok = false
		case n < 1 || n > 100:
			rs.add(w.Line, `invalid weight "%d" in pool "%s" value %d`, n, id, num)
			ok = false
		default:
			pv.Weight = uint32(n)
		}
	}
	if s, has := v.Get("status"); has {
		switch s.Text {
		case "up":
			pv.Status = StatusUp
		case "down":
			pv.Status = StatusDown
		case "obey":
			pv.Status = StatusObey
		default:
			rs.add(s.Line, `invalid status "%s" in pool "%s" value %d`, s, id, num)
			ok = false
		}
	}
	val, has := v.Get("value")
	if !has {
		rs.add(v.Line, `missing value in pool "%s" value %d`, id, num)
		return pv, false
	}
	text, why := ValidateValue(typ, val)
	for _, w := range why {
		rs.add(val.Line, "%s", w)
	}
	pv.Value = text
	return pv, ok && len(why) == 0
}

// ruleState carries what earlier rules have targeted.
type ruleState struct {
	poolsSeen   map[string]bool
	seenDefault bool
	subnetsSeen seenIn[netip.Prefix]
	geosSeen    seenIn[string]
}

// seenIn remembers, in insertion order, the rule each target was last seen
// in, as the Python dicts octoDNS uses do.
type seenIn[K comparable] []seen[K]

type seen[K comparable] struct {
	key  K
	rule int
}

func (s *seenIn[K]) set(k K, rule int) {
	for i := range *s {
		if (*s)[i].key == k {
			(*s)[i].rule = rule
			return
		}
	}
	*s = append(*s, seen[K]{k, rule})
}

// parseRules checks rules 13–30 and returns the pools rules target.
func parseRules(dyn, pools *Data, out *Dynamic, rs *reasons) map[string]bool {
	st := &ruleState{poolsSeen: map[string]bool{}}
	rules, _ := dyn.Get("rules")
	switch {
	case rules == nil:
		rs.add(dyn.Line, "missing rules")
		return st.poolsSeen
	case rules.Kind != KindList:
		rs.add(rules.Line, "rules must be a list")
		return st.poolsSeen
	case len(rules.Items) == 0:
		rs.add(rules.Line, "missing rules")
		return st.poolsSeen
	}
	for i, rule := range rules.Items {
		if rule.Kind != KindMap {
			rs.add(rule.Line, "rule %d must be a dict", i+1)
			continue
		}
		var prev *Data
		if i > 0 {
			prev = rules.Items[i-1]
		}
		if r := st.rule(i+1, rule, prev, pools, rs); r != nil {
			out.Rules = append(out.Rules, r)
		}
	}
	last := rules.Items[len(rules.Items)-1]
	if last.Has("subnets") || last.Has("geos") {
		rs.add(last.Line, `final rule has "subnets" and/or "geos" and is not catchall`)
	}
	return st.poolsSeen
}

func (st *ruleState) rule(num int, rule, prev, pools *Data, rs *reasons) *Rule {
	pool, ok := rule.Get("pool")
	if !ok {
		rs.add(rule.Line, "rule %d missing pool", num)
		return nil
	}
	subnets, _ := rule.Get("subnets")
	geos, _ := rule.Get("geos")
	targeted := !subnets.Empty() || !geos.Empty()
	valid := true
	if pool.Kind != KindString {
		rs.add(pool.Line, `rule %d invalid pool "%s"`, num, pool)
		valid = false
	} else {
		if !pools.Has(pool.Text) {
			rs.add(pool.Line, `rule %d undefined pool "%s"`, num, pool.Text)
			valid = false
		} else if st.poolsSeen[pool.Text] && targeted {
			rs.add(pool.Line, `rule %d invalid, target pool "%s" reused`, num, pool.Text)
		}
		st.poolsSeen[pool.Text] = true
	}
	st.checkOrder(num, rule, subnets, geos, prev, rs)
	r := &Rule{Pool: pool.Text, Line: rule.Line}
	r.Subnets = st.subnets(num, subnets, rs)
	r.Geos = st.geos(num, geos, rs)
	if !valid {
		return nil
	}
	return r
}

func (st *ruleState) checkOrder(num int, rule, subnets, geos, prev *Data, rs *reasons) {
	if prev != nil && prev.Kind == KindMap {
		ps, _ := prev.Get("subnets")
		pg, _ := prev.Get("geos")
		switch {
		case !subnets.Empty() && !geos.Empty():
			if ps.Empty() && !pg.Empty() {
				rs.add(rule.Line, "rule %d with subnet(s) and geo(s) should appear before all geo-only rules", num)
			}
		case !subnets.Empty():
			if !pg.Empty() {
				rs.add(rule.Line, "rule %d with only subnet targeting should appear before all geo targeting rules", num)
			}
		}
	}
	if subnets.Empty() && geos.Empty() {
		if st.seenDefault {
			rs.add(rule.Line, "rule %d duplicate default", num)
		}
		st.seenDefault = true
	}
}

func (st *ruleState) subnets(num int, subnets *Data, rs *reasons) []netip.Prefix {
	if subnets == nil {
		return nil
	}
	if subnets.Kind != KindList {
		rs.add(subnets.Line, "rule %d subnets must be a list", num)
		return nil
	}
	var nets []netip.Prefix
	for _, s := range subnets.Items {
		p, ok := ParseSubnet(s.Text)
		if !ok || !s.IsScalar() {
			rs.add(s.Line, `rule %d invalid subnet "%s"`, num, s)
			continue
		}
		nets = append(nets, p)
	}
	slices.SortFunc(nets, comparePrefix)
	for _, p := range nets {
		for _, prev := range st.subnetsSeen {
			if prev.key.Addr().Is4() != p.Addr().Is4() {
				continue
			}
			if p == prev.key {
				rs.add(subnets.Line, "rule %d targets subnet %s which has previously been seen in rule %d", num, p, prev.rule)
			} else if p.Bits() >= prev.key.Bits() && prev.key.Contains(p.Addr()) {
				rs.add(subnets.Line, "rule %d targets subnet %s which is more specific than the previously seen %s in rule %d", num, p, prev.key, prev.rule)
			}
		}
		st.subnetsSeen.set(p, num)
	}
	return nets
}

// comparePrefix orders networks as Python's ipaddress does: IPv4 first,
// then by network address, then by prefix length.
func comparePrefix(a, b netip.Prefix) int {
	if a.Addr().Is4() != b.Addr().Is4() {
		if a.Addr().Is4() {
			return -1
		}
		return 1
	}
	if c := a.Addr().Compare(b.Addr()); c != 0 {
		return c
	}
	return cmp.Compare(a.Bits(), b.Bits())
}

func (st *ruleState) geos(num int, geos *Data, rs *reasons) []GeoCode {
	if geos == nil {
		return nil
	}
	if geos.Kind != KindList {
		rs.add(geos.Line, "rule %d geos must be a list", num)
		return nil
	}
	codes := make([]string, 0, len(geos.Items))
	lines := map[string]int{}
	for _, g := range geos.Items {
		codes = append(codes, g.String())
		lines[g.String()] = g.Line
	}
	sort.Strings(codes)
	prefix := fmt.Sprintf("rule %d ", num)
	var out []GeoCode
	for _, code := range codes {
		line := lines[code]
		why := ValidateGeoCode(code, prefix)
		for _, w := range why {
			rs.add(line, "%s", w)
		}
		for _, prev := range st.geosSeen {
			if code == prev.key {
				rs.add(line, "rule %d targets geo %s which has previously been seen in rule %d", num, code, prev.rule)
			} else if strings.HasPrefix(code, prev.key) {
				rs.add(line, "rule %d targets geo %s which is more specific than the previously seen %s in rule %d", num, code, prev.key, prev.rule)
			}
		}
		st.geosSeen.set(code, num)
		if len(why) == 0 {
			out = append(out, parseGeoCode(code))
		}
	}
	return out
}

// sortedKeys returns a map node's keys in sorted order, as octoDNS iterates
// sorted(pools.items()).
func sortedKeys(d *Data) []string {
	keys := slices.Clone(d.Keys)
	sort.Strings(keys)
	return keys
}

// ParseSubnet parses a network as Python's ipaddress.ip_network does in
// strict mode: host bits must be clear, and a bare address is a host route.
func ParseSubnet(s string) (netip.Prefix, bool) {
	if !strings.Contains(s, "/") {
		a, err := netip.ParseAddr(s)
		if err != nil || a.Zone() != "" {
			return netip.Prefix{}, false
		}
		return netip.PrefixFrom(a, a.BitLen()), true
	}
	p, err := netip.ParsePrefix(s)
	if err != nil || p != p.Masked() || p.Addr().Zone() != "" {
		return netip.Prefix{}, false
	}
	return p, true
}

// MaxPoolName is the longest pool name: providers put pool names in labels
// such as _octodns-<pool>-value, and a label holds 63 bytes.
const MaxPoolName = 48

func poolNameOK(name string) bool {
	if name == "" || len(name) > MaxPoolName {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !(c == '-' || c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return true
}
