package engine_test

import (
	"slices"
	"sort"
	"testing"

	"github.com/miekg/dns"

	"github.com/signpost-dns/signpost/internal/engine"
)

const soaNeg = "example.com.\t300\tIN\tSOA\tns1.example.com. hostmaster.example.com. 2026112201 3600 600 604800 300"

// dnsCase is one question and the whole expected response.
type dnsCase struct {
	name   string
	qname  string
	qtype  uint16
	rcode  int
	notAA  bool
	answer []string
	ns     []string
	extra  []string
}

func TestAnswerDNSBehaviour(t *testing.T) {
	table := loadTable(t)
	tests := []dnsCase{
		{name: "apex A", qname: "example.com.", qtype: dns.TypeA, answer: []string{"example.com.\t3600\tIN\tA\t192.0.2.1"}},
		{name: "apex SOA", qname: "example.com.", qtype: dns.TypeSOA,
			answer: []string{"example.com.\t3600\tIN\tSOA\tns1.example.com. hostmaster.example.com. 2026112201 3600 600 604800 300"}},
		{name: "apex NS with glue", qname: "example.com.", qtype: dns.TypeNS,
			answer: []string{"example.com.\t3600\tIN\tNS\tns1.example.com.", "example.com.\t3600\tIN\tNS\tns2.example.com."},
			extra:  []string{"ns1.example.com.\t3600\tIN\tA\t192.0.2.53", "ns2.example.com.\t3600\tIN\tAAAA\t2001:db8::53"}},
		{name: "case preserved, matched insensitively", qname: "WeB.ExAmple.COM.", qtype: dns.TypeA,
			answer: []string{"WeB.ExAmple.COM.\t300\tIN\tA\t192.0.2.10", "WeB.ExAmple.COM.\t300\tIN\tA\t192.0.2.11"}},
		{name: "NODATA", qname: "web.example.com.", qtype: dns.TypeAAAA, ns: []string{soaNeg}},
		{name: "NXDOMAIN", qname: "nope.example.com.", qtype: dns.TypeA, rcode: dns.RcodeNameError, ns: []string{soaNeg}},
		{name: "CNAME chased in zone", qname: "www.example.com.", qtype: dns.TypeA,
			answer: []string{"web.example.com.\t300\tIN\tA\t192.0.2.10", "web.example.com.\t300\tIN\tA\t192.0.2.11", "www.example.com.\t3600\tIN\tCNAME\tweb.example.com."}},
		{name: "CNAME asked for", qname: "www.example.com.", qtype: dns.TypeCNAME,
			answer: []string{"www.example.com.\t3600\tIN\tCNAME\tweb.example.com."}},
		{name: "CNAME out of zone is not chased", qname: "out.example.com.", qtype: dns.TypeA,
			answer: []string{"out.example.com.\t3600\tIN\tCNAME\telsewhere.org."}},
		{name: "dangling CNAME is NXDOMAIN", qname: "dangling.example.com.", qtype: dns.TypeA, rcode: dns.RcodeNameError,
			answer: []string{"dangling.example.com.\t3600\tIN\tCNAME\tnothere.example.com."}, ns: []string{soaNeg}},
		{name: "CNAME loop stops", qname: "loop1.example.com.", qtype: dns.TypeA,
			answer: []string{"loop1.example.com.\t3600\tIN\tCNAME\tloop2.example.com.", "loop1.example.com.\t3600\tIN\tCNAME\tloop2.example.com.", "loop1.example.com.\t3600\tIN\tCNAME\tloop2.example.com.", "loop1.example.com.\t3600\tIN\tCNAME\tloop2.example.com.",
				"loop2.example.com.\t3600\tIN\tCNAME\tloop1.example.com.", "loop2.example.com.\t3600\tIN\tCNAME\tloop1.example.com.", "loop2.example.com.\t3600\tIN\tCNAME\tloop1.example.com.", "loop2.example.com.\t3600\tIN\tCNAME\tloop1.example.com."}},
		{name: "wildcard synthesizes", qname: "x.wild.example.com.", qtype: dns.TypeTXT,
			answer: []string{"x.wild.example.com.\t3600\tIN\tTXT\t\"wildcard\""}},
		{name: "wildcard NODATA", qname: "x.wild.example.com.", qtype: dns.TypeA, ns: []string{soaNeg}},
		{name: "wildcard does not cover existing names", qname: "sub.wild.example.com.", qtype: dns.TypeTXT, ns: []string{soaNeg}},
		{name: "wildcard does not cover below existing names", qname: "x.sub.wild.example.com.", qtype: dns.TypeTXT, rcode: dns.RcodeNameError, ns: []string{soaNeg}},
		{name: "empty non-terminal is NODATA", qname: "b.c.example.com.", qtype: dns.TypeA, ns: []string{soaNeg}},
		{name: "referral at delegation", qname: "delegated.example.com.", qtype: dns.TypeA, notAA: true,
			ns:    []string{"delegated.example.com.\t3600\tIN\tNS\tns.delegated.example.com."},
			extra: []string{"ns.delegated.example.com.\t3600\tIN\tA\t192.0.2.200"}},
		{name: "referral below delegation", qname: "deep.delegated.example.com.", qtype: dns.TypeMX, notAA: true,
			ns:    []string{"delegated.example.com.\t3600\tIN\tNS\tns.delegated.example.com."},
			extra: []string{"ns.delegated.example.com.\t3600\tIN\tA\t192.0.2.200"}},
		{name: "DS at delegation answered by parent", qname: "delegated.example.com.", qtype: dns.TypeDS, ns: []string{soaNeg}},
		{name: "ANY is minimal", qname: "example.com.", qtype: dns.TypeANY,
			answer: []string{"example.com.\t3600\tIN\tNS\tns1.example.com.", "example.com.\t3600\tIN\tNS\tns2.example.com."},
			extra:  []string{"ns1.example.com.\t3600\tIN\tA\t192.0.2.53", "ns2.example.com.\t3600\tIN\tAAAA\t2001:db8::53"}},
		{name: "outside zones refused", qname: "example.org.", qtype: dns.TypeA, rcode: dns.RcodeRefused, notAA: true},
		{name: "parent of zone refused", qname: "com.", qtype: dns.TypeNS, rcode: dns.RcodeRefused, notAA: true},
	}
	var resp engine.Response
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			q := &engine.Query{Name: tc.qname, Type: tc.qtype}
			table.Answer(q, engine.AllUp{}, &seqRand{vals: []int{0}}, &resp, nil)
			if resp.Rcode != tc.rcode || resp.Authoritative == tc.notAA {
				t.Errorf("rcode %s aa %v, want %s aa %v", dns.RcodeToString[resp.Rcode], resp.Authoritative, dns.RcodeToString[tc.rcode], !tc.notAA)
			}
			check(t, "answer", rrStrings(resp.Answer), tc.answer)
			check(t, "authority", rrStrings(resp.Authority), tc.ns)
			check(t, "additional", rrStrings(resp.Extra), tc.extra)
		})
	}
}

func check(t *testing.T, section string, got, want []string) {
	t.Helper()
	sort.Strings(want)
	if len(got) == 0 && len(want) == 0 {
		return
	}
	if !slices.Equal(got, want) {
		t.Errorf("%s:\ngot  %q\nwant %q", section, got, want)
	}
}
