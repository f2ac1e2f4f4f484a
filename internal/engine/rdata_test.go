package engine

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/miekg/dns"

	"github.com/signpost-dns/signpost/internal/zonefile"
)

// rdataZone has a record of every type signpost serves, with the values
// that are hardest to carry: escapes, quotes, long TXT, mixed-case hex.
var rdataZone = `'':
  - {type: NS, values: [ns1.example.net., ns2.example.net.]}
  - {type: MX, values: [{exchange: mx1.example.com., preference: 10}]}
  - {type: CAA, values: [{flags: 0, tag: issue, value: ca.example.net}, {flags: 128, tag: iodef, value: 'mailto:a"b\c@example.com'}]}
  - {type: TXT, values: ['v=spf1 -all', 'quote " and backslash \\ and semi\; colon', '` + long + `']}
  - {type: SPF, value: 'v=spf1 include:example.net -all'}
  - {type: DS, value: {key_tag: 60485, algorithm: 5, digest_type: 1, digest: 2bb183af5f22588179a53b0a98631fad1a292118}}
v4: {type: A, values: [192.0.2.1, 198.51.100.255]}
v6: {type: AAAA, values: ['2001:db8::1', '2001:DB8:0:0:0:0:0:2']}
www: {type: CNAME, value: target.example.com.}
_sip._tcp: {type: SRV, values: [{priority: 10, weight: 20, port: 5060, target: sip.example.com.}, {priority: 0, weight: 0, port: 0, target: .}]}
1.2.0.192.in-addr: {type: PTR, value: host.example.com.}
naptr: {type: NAPTR, value: {order: 100, preference: 10, flags: U, service: 'E2U+sip', regexp: '!^.*$!sip:info@example.com!', replacement: sip.example.com.}}
ssh: {type: SSHFP, value: {algorithm: 4, fingerprint_type: 2, fingerprint: 123456789abcdef67890123456789ABCDEF67890123456789abcdef123456789}}
_443._tcp: {type: TLSA, value: {certificate_usage: 3, selector: 1, matching_type: 1, certificate_association_data: d2abde240d7cd3ee6b4b28c54df034b97983a1d16e8a410e4561cb106618e971}}
`

var long = func() string {
	var b bytes.Buffer
	for i := range 40 {
		fmt.Fprintf(&b, "chunk%03d-", i)
	}
	return b.String()
}()

// TestBuildMatchesTheParser: every value model validated builds to the
// record the DNS library's own zone-file parser makes of it, byte for byte
// on the wire.
func TestBuildMatchesTheParser(t *testing.T) {
	z, probs := zonefile.Parse("rdata.yaml", "example.com.", []byte(rdataZone))
	if len(probs.Errors()) > 0 {
		t.Fatal(probs)
	}
	n := 0
	for _, rec := range z.Records {
		for _, v := range rec.Values {
			n++
			got, err := build(nil, rec, rec.FQDN(), v)
			if err != nil {
				t.Errorf("%s %s %q: %v", rec.FQDN(), rec.Type, v, err)
				continue
			}
			want, err := dns.NewRR(fmt.Sprintf("%s %d IN %s %s", rec.FQDN(), rec.TTL, rec.Type, v))
			if err != nil {
				t.Fatalf("the parser refuses %s %s %q: %v", rec.FQDN(), rec.Type, v, err)
			}
			gw, ww := pack(t, got), pack(t, want)
			if !bytes.Equal(gw, ww) || got.String() != want.String() {
				t.Errorf("%s %s %q:\nbuilt  %s\nparsed %s", rec.FQDN(), rec.Type, v, got, want)
			}
		}
	}
	if n != 21 {
		t.Errorf("%d values checked, want 21", n)
	}
}

func pack(t *testing.T, rr dns.RR) []byte {
	t.Helper()
	buf := make([]byte, 4096)
	off, err := dns.PackRR(rr, buf, 0, nil, false)
	if err != nil {
		t.Fatalf("packing %s: %v", rr, err)
	}
	return buf[:off]
}
