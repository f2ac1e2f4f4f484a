package model

import (
	"fmt"
	"net/netip"
	"regexp"
	"sort"
	"strings"
)

// IP is an address that policies route to (zinc's IP). A disabled IP is
// never served and never probed.
type IP struct {
	Address      netip.Addr
	Hostname     string
	FriendlyName string
	Enabled      bool
	// Healthcheck overrides the policies' default check; nil keeps it.
	Healthcheck *Healthcheck
}

// Routing is how a policy picks among its members.
type Routing string

// Routings.
const (
	RoutingLatency  Routing = "latency"  // the nearest region with an eligible member, then by weight
	RoutingWeighted Routing = "weighted" // by weight among every eligible member
)

// Policy groups IPs behind one name (zinc's Policy).
type Policy struct {
	ID      string // a UUID
	Name    string
	Routing Routing
	TTL     uint32
	Members []Member
}

// Member is one IP of a policy, in a region, with a weight.
type Member struct {
	ID      string // a UUID
	IP      netip.Addr
	Region  string
	Weight  int
	Enabled bool
}

// Policy defaults, as zinc has them.
const (
	DefaultPolicyTTL    = 30
	DefaultMemberWeight = 10
	MaxMemberWeight     = 255 // Route53's weight range
)

// FieldErrors are a write's problems by field, every one at once, in
// zinc's (Django REST framework's) shape: {"field": ["message"]}.
type FieldErrors map[string][]string

// Add records a problem with field.
func (fe FieldErrors) Add(field, format string, args ...any) {
	fe[field] = append(fe[field], fmt.Sprintf(format, args...))
}

// Error lists the problems, fields sorted.
func (fe FieldErrors) Error() string {
	keys := make([]string, 0, len(fe))
	for k := range fe {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for i, k := range keys {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(k + ": " + strings.Join(fe[k], " "))
	}
	return b.String()
}

// Err returns fe as an error, or nil when there is no problem.
func (fe FieldErrors) Err() error {
	if len(fe) == 0 {
		return nil
	}
	return fe
}

var (
	policyName = regexp.MustCompile(`^[a-z0-9-]+$`)
	hostname   = regexp.MustCompile(`^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.?$`)
)

// ValidateIP checks an IP's own fields.
func ValidateIP(ip *IP) FieldErrors {
	fe := FieldErrors{}
	if !ip.Address.IsValid() || ip.Address.Zone() != "" {
		fe.Add("ip", "Enter a valid IPv4 or IPv6 address.")
	}
	if ip.Hostname != "" && (len(ip.Hostname) > 64 || !hostname.MatchString(ip.Hostname)) {
		fe.Add("hostname", "Invalid hostname %q.", ip.Hostname)
	}
	if hc := ip.Healthcheck; hc != nil && hc.Protocol != "" && !probeProtocol(hc.Protocol) {
		fe.Add("healthcheck", "Unknown protocol %q: HTTP, HTTPS, TCP or ICMP.", hc.Protocol)
	}
	return fe
}

func probeProtocol(p string) bool {
	switch p {
	case "HTTP", "HTTPS", "TCP", "ICMP":
		return true
	}
	return false
}

// ValidatePolicy checks a policy against the other policies' names, the
// known IPs and regions.
func ValidatePolicy(p *Policy, others []string, ips map[netip.Addr]*IP, regions Regions) FieldErrors {
	fe := FieldErrors{}
	switch {
	case !policyName.MatchString(p.Name):
		fe.Add("name", "Enter a valid name: lowercase letters, digits and hyphens only.")
	default:
		for _, o := range others {
			n := min(len(o), len(p.Name))
			if o[:n] == p.Name[:n] {
				fe.Add("name", "Name %q clashes with policy %q: one is a prefix of the other.", p.Name, o)
			}
		}
	}
	if p.Routing != RoutingLatency && p.Routing != RoutingWeighted {
		fe.Add("routing", `"%s" is not a valid choice.`, p.Routing)
	}
	if p.TTL < 1 {
		fe.Add("ttl", "Ensure this value is greater than or equal to 1.")
	}
	for i, m := range p.Members {
		validateMember(fe, fmt.Sprintf("members[%d].", i), &m, ips, regions)
	}
	return fe
}

func validateMember(fe FieldErrors, prefix string, m *Member, ips map[netip.Addr]*IP, regions Regions) {
	if _, ok := ips[m.IP]; !ok {
		fe.Add(prefix+"ip", `Invalid IP "%s" - object does not exist.`, m.IP)
	}
	if _, ok := regions[m.Region]; !ok {
		fe.Add(prefix+"region", `"%s" is not a valid choice.`, m.Region)
	}
	if m.Weight < 0 {
		fe.Add(prefix+"weight", "Ensure this value is greater than or equal to 0.")
	}
	if m.Weight > MaxMemberWeight {
		fe.Add(prefix+"weight", "Ensure this value is less than or equal to %d.", MaxMemberWeight)
	}
}

// Eligible returns the members that may be served for family (4 or 6):
// member and IP enabled. Health is the engine's business.
func (p *Policy) Eligible(ips map[netip.Addr]*IP, family int) []Member {
	var out []Member
	for _, m := range p.Members {
		ip := ips[m.IP]
		if m.Enabled && ip != nil && ip.Enabled && (family == 4) == m.IP.Is4() {
			out = append(out, m)
		}
	}
	return out
}

// CheckPointable reports why records cannot point at p: a policy with no
// enabled member of the record's family would answer nothing.
func CheckPointable(p *Policy, ips map[netip.Addr]*IP, typ RRType) string {
	family := 4
	if typ == "AAAA" {
		family = 6
	}
	if len(p.Eligible(ips, family)) == 0 {
		return fmt.Sprintf("Policy %q has no enabled IPv%d member.", p.Name, family)
	}
	return ""
}

// IPsByAddress indexes ips by address.
func IPsByAddress(ips []*IP) map[netip.Addr]*IP {
	out := make(map[netip.Addr]*IP, len(ips))
	for _, ip := range ips {
		out[ip.Address] = ip
	}
	return out
}

// HiddenPrefix starts the names a store zone reserves for policy trees
// (zinc's RECORD_PREFIX): no record of the API may start with it.
const HiddenPrefix = "_zn"

// TreePrefix starts a policy tree's names: _zn_{policy}[_{region}].
const TreePrefix = HiddenPrefix + "_"

// TreePolicy returns the policy whose tree a name (fully qualified or a
// first label) belongs to, or "" for a name outside every tree. Policy
// names hold no underscore, so the region that may follow is cut off.
func TreePolicy(name string) string {
	label, _, _ := strings.Cut(name, ".")
	if !strings.HasPrefix(label, TreePrefix) {
		return ""
	}
	policy, _, _ := strings.Cut(label[len(TreePrefix):], "_")
	return policy
}
