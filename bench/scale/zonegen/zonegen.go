// Package zonegen writes large zone sets in octoDNS's YAML format for the
// scale benchmarks: either the plain A-heavy set, or a realistic mix of
// every static type signpost serves, names holding several types, and
// dynamic records with geo rules, weights and fallbacks.
package zonegen

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Mix selects what the generated records look like.
type Mix int

const (
	// Plain is one A record per name, every tenth dynamic.
	Plain Mix = iota
	// Realistic mixes types, multi-type names and 10% dynamic records.
	Realistic
)

// Dynamic returns the name of the i-th dynamic record of every zone.
func (m Mix) Dynamic(i int) string {
	if m == Plain {
		return fmt.Sprintf("d%d", i*10)
	}
	return fmt.Sprintf("www%d", i*10)
}

// Write writes zones files of records records each into dir, named
// z000.test.yaml onward. It returns the number of records written.
func Write(dir string, zones, records int, mix Mix) (int, error) {
	total := 0
	for z := range zones {
		var s strings.Builder
		s.Grow(records * 120)
		s.WriteString("'':\n  type: NS\n  values: [ns1.example.net., ns2.example.net.]\n")
		n := 1
		for i := 0; n < records; i++ {
			if mix == Plain {
				n += plain(&s, i)
			} else {
				n += realistic(&s, i)
			}
		}
		total += n
		path := filepath.Join(dir, fmt.Sprintf("z%03d.test.yaml", z))
		if err := os.WriteFile(path, []byte(s.String()), 0o644); err != nil {
			return total, fmt.Errorf("writing zone: %w", err)
		}
	}
	return total, nil
}

// ip returns a loopback address unique to i within the block b.
func ip(b, i int) string { return fmt.Sprintf("127.%d.%d.%d", b, (i/250)%250, i%250+1) }

func plain(s *strings.Builder, i int) int {
	if i%10 == 0 {
		fmt.Fprintf(s, "d%d:\n  type: A\n  values: [%s]\n  dynamic:\n    pools:\n      eu: {fallback: us, values: [{value: %s, status: up}, {value: %s, status: up}]}\n      us: {values: [{value: %s, status: up}]}\n    rules:\n      - {geos: [EU], pool: eu}\n      - pool: us\n",
			i, ip(1, i), ip(2, i), ip(3, i), ip(4, i))
		return 1
	}
	fmt.Fprintf(s, "h%d:\n  type: A\n  values: [%s]\n", i, ip(0, i))
	return 1
}

// realistic writes name i and returns how many records it holds.
func realistic(s *strings.Builder, i int) int {
	switch i % 10 {
	case 0:
		fmt.Fprintf(s, `www%d:
  type: A
  ttl: 60
  values: [%s, %s]
  dynamic:
    pools:
      eu:
        fallback: us
        values:
          - {value: %s, weight: 3, status: up}
          - {value: %s, weight: 1, status: up}
      us:
        fallback: ap
        values:
          - {value: %s, status: up}
          - {value: %s, status: up}
      ap:
        values:
          - value: %s
            status: up
    rules:
      - {subnets: [10.%d.0.0/16], pool: ap}
      - {geos: [EU, NA-CA], pool: eu}
      - pool: us
`, i, ip(1, i), ip(1, i+1), ip(2, i), ip(3, i), ip(4, i), ip(5, i), ip(6, i), i%250)
		return 1
	case 1:
		fmt.Fprintf(s, "web%d:\n  - type: A\n    values: [%s, %s, %s]\n  - type: AAAA\n    values: ['::1', '2001:db8::%x']\n", i, ip(0, i), ip(0, i+1), ip(0, i+2), i)
		return 2
	case 2:
		fmt.Fprintf(s, "alias%d:\n  type: CNAME\n  value: web%d.z.test.\n", i, i-1)
		return 1
	case 3:
		fmt.Fprintf(s, "txt%d:\n  type: TXT\n  ttl: 300\n  values:\n    - v=spf1 include:_spf.example.net ~all\n    - site-verification=%08x%08x\n", i, i, i*7)
		return 1
	case 4:
		fmt.Fprintf(s, "mail%d:\n  - type: MX\n    values:\n      - {preference: 10, exchange: mx1.example.net.}\n      - {preference: 20, exchange: mx2.example.net.}\n  - type: A\n    value: %s\n", i, ip(0, i))
		return 2
	case 5:
		fmt.Fprintf(s, "v6-%d:\n  type: AAAA\n  value: 2001:db8::%x\n", i, i)
		return 1
	case 6:
		return other(s, i)
	case 7:
		fmt.Fprintf(s, "pool%d:\n  type: A\n  values: [%s, %s, %s, %s]\n", i, ip(0, i), ip(0, i+1), ip(0, i+2), ip(0, i+3))
		return 1
	case 8:
		fmt.Fprintf(s, "h%d:\n  type: A\n  value: %s\n", i, ip(0, i))
		return 1
	default:
		fmt.Fprintf(s, "svc%d:\n  - type: A\n    value: %s\n  - type: TXT\n    value: owner=team-%d\n", i, ip(0, i), i%97)
		return 2
	}
}

// other rotates through the remaining static types.
func other(s *strings.Builder, i int) int {
	switch (i / 10) % 8 {
	case 0:
		fmt.Fprintf(s, "_sip._tcp.s%d:\n  type: SRV\n  values:\n    - {priority: 10, weight: 20, port: 5060, target: sip%d.example.net.}\n", i, i)
	case 1:
		fmt.Fprintf(s, "caa%d:\n  type: CAA\n  values:\n    - {flags: 0, tag: issue, value: ca.example.net}\n", i)
	case 2:
		fmt.Fprintf(s, "ssh%d:\n  type: SSHFP\n  value: {algorithm: 4, fingerprint_type: 2, fingerprint: %064x}\n", i, i)
	case 3:
		fmt.Fprintf(s, "_443._tcp.t%d:\n  type: TLSA\n  value: {certificate_usage: 3, selector: 1, matching_type: 1, certificate_association_data: %064x}\n", i, i)
	case 4:
		fmt.Fprintf(s, "n%d:\n  type: NAPTR\n  value: {order: 100, preference: 10, flags: S, service: SIP+D2U, regexp: '', replacement: _sip._udp.example.net.}\n", i)
	case 5:
		fmt.Fprintf(s, "ptr%d:\n  type: PTR\n  value: host%d.example.net.\n", i, i)
	case 6:
		fmt.Fprintf(s, "sub%d:\n  - type: NS\n    values: [ns1.example.net., ns2.example.net.]\n  - type: DS\n    value: {key_tag: %d, algorithm: 13, digest_type: 2, digest: %064x}\n", i, i%65536, i)
		return 2
	default:
		fmt.Fprintf(s, "spf%d:\n  type: SPF\n  value: v=spf1 -all\n", i)
	}
	return 1
}
