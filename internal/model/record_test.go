package model_test

import (
	"slices"
	"strings"
	"testing"
)

func TestRecordValidation(t *testing.T) {
	long := strings.Repeat("a", 64)
	tests := []struct {
		name string
		doc  string
		want []string
	}{
		{"valid statics", `
'':
  - type: NS
    values: [ns1.unit.tests., ns2.unit.tests.]
  - type: MX
    values:
      - exchange: mx.unit.tests.
        preference: 10
      - value: mx2.unit.tests.
        priority: 20
  - type: CAA
    value: {tag: issue, value: letsencrypt.org}
  - type: TXT
    values: ['v=spf1 -all', 'a\;b']
_sip._tcp:
  type: SRV
  value: {priority: 10, weight: 20, port: 5060, target: sip.unit.tests.}
aaaa:
  type: AAAA
  value: '2001:db8::1'
ptr:
  type: PTR
  value: foo.bar.com.
naptr:
  type: NAPTR
  value: {order: 100, preference: 10, flags: S, service: SIP+D2U, regexp: '', replacement: _sip._udp.unit.tests.}
sshfp:
  type: SSHFP
  value: {algorithm: 1, fingerprint_type: 1, fingerprint: bf6b6825d2977c511a475bbefb88aad54a92ac73}
tlsa:
  type: TLSA
  value: {certificate_usage: 3, selector: 1, matching_type: 1, certificate_association_data: ABABABAB}
ds:
  type: DS
  value: {key_tag: 60485, algorithm: 5, digest_type: 1, digest: 2BB183AF5F22588179A53B0A98631FAD1A292118}
spf:
  type: SPF
  value: v=spf1 -all
`, nil},
		{"invalid IPv4", "a:\n  type: A\n  values: [1.2.3.4, 1.2.3]\n", []string{`invalid IPv4 address "1.2.3"`}},
		{"v6 in A", "a:\n  type: A\n  value: '::1'\n", []string{`invalid IPv4 address "::1"`}},
		{"invalid IPv6", "a:\n  type: AAAA\n  value: 1.2.3.4\n", []string{`invalid IPv6 address "1.2.3.4"`}},
		{"missing values", "a:\n  type: A\n", []string{"missing value(s)"}},
		{"empty values", "a:\n  type: A\n  values: []\n", []string{"missing value(s)"}},
		{"CNAME missing dot", "a:\n  type: CNAME\n  value: foo.com\n", []string{`CNAME value "foo.com" missing trailing .`}},
		{"CNAME missing", "a:\n  type: CNAME\n", []string{"missing value"}},
		{"CNAME two values", "a:\n  type: CNAME\n  values: [a.com., b.com.]\n", []string{"CNAME takes a single value, got 2"}},
		{"root CNAME", "'':\n  type: CNAME\n  value: foo.com.\n", []string{"root CNAME not allowed"}},
		{"CNAME coexisting", "a:\n  - type: CNAME\n    value: foo.com.\n  - type: TXT\n    value: hi\n", []string{"CNAME cannot coexist with other records at a.unit.tests."}},
		{"duplicate type", "a:\n  - type: A\n    value: 1.2.3.4\n  - type: A\n    value: 1.2.3.5\n", []string{"duplicate record: A is defined twice at this name"}},
		{"MX missing exchange", "'':\n  type: MX\n  value: {preference: 10}\n", []string{"missing exchange"}},
		{"MX bad preference", "'':\n  type: MX\n  value: {preference: x, exchange: mx.unit.tests.}\n", []string{`invalid preference "x"`}},
		{"SRV bad name", "sip:\n  type: SRV\n  value: {priority: 1, weight: 1, port: 1, target: a.b.}\n", []string{"invalid name for SRV record"}},
		{"SRV port range", "_a._tcp:\n  type: SRV\n  value: {priority: 1, weight: 1, port: 70000, target: a.b.}\n", []string{`invalid port "70000"`}},
		{"TXT unescaped", "t:\n  type: TXT\n  value: 'a;b'\n", []string{`unescaped ; in "a;b"`}},
		{"SSHFP not hex", "s:\n  type: SSHFP\n  value: {algorithm: 1, fingerprint_type: 1, fingerprint: xyz}\n", []string{`invalid fingerprint "xyz": not hex`}},
		{"unknown field", "'':\n  type: CAA\n  value: {tag: issue, value: a, flagz: 1}\n", []string{`unknown CAA field "flagz"`}},
		{"at sign", "'@':\n  type: A\n  value: 1.2.3.4\n", []string{`invalid name "@", use "" instead`}},
		{"long label", long + ":\n  type: A\n  value: 1.2.3.4\n", []string{`invalid label, "` + long + `" is too long at 64 chars, max is 63`}},
		{"negative ttl", "a:\n  type: A\n  ttl: -1\n  value: 1.2.3.4\n", []string{"invalid ttl"}},
		{"huge ttl", "a:\n  type: A\n  ttl: 4294967295\n  value: 1.2.3.4\n", []string{"invalid ttl 4294967295, max is 2147483647"}},
		{"unknown key", "a:\n  type: A\n  valeus: [1.2.3.4]\n  value: 1.2.3.4\n", []string{`unknown key "valeus"`}},
		{"unknown type", "a:\n  type: BOGUS\n  value: x\n", []string{`unknown record type "BOGUS"`}},
		{"missing type", "a:\n  value: x\n", []string{"missing type"}},
		{"octoDNS-only type is skipped", "a:\n  type: ALIAS\n  value: x.com.\n", []string{"type ALIAS is not served by signpost; record skipped"}},
		{"dynamic on MX", "'':\n  type: MX\n  value: {preference: 1, exchange: a.b.}\n  dynamic: {}\n", []string{"dynamic is not supported for MX records"}},
		{"healthcheck protocol", "a:\n  type: A\n  value: 1.2.3.4\n  octodns:\n    healthcheck:\n      protocol: FTP\n", []string{"invalid healthcheck protocol"}},
		{"healthcheck port", "a:\n  type: A\n  value: 1.2.3.4\n  octodns:\n    healthcheck:\n      port: 0\n", []string{`invalid healthcheck port "0"`}},
		{"UDP check is a warning", "a:\n  type: A\n  value: 1.2.3.4\n  octodns:\n    healthcheck:\n      protocol: UDP\n", []string{"UDP health checks are not supported by signpost; the values are treated as healthy"}},
		{"probe options", "a:\n  type: A\n  value: 1.2.3.4\n  octodns:\n    signpost:\n      healthcheck:\n        interval: 1s\n        timeout: 500ms\n        failures: 2\n        successes: 1\n        expect_status: [200, 300-399]\n        expect_body: ok\n        initial: down\n", nil},
		{"probe timeout not below interval", "a:\n  type: A\n  value: 1.2.3.4\n  octodns:\n    signpost:\n      healthcheck: {interval: 1s, timeout: 1s}\n", []string{"octodns.signpost.healthcheck.timeout 1s must be below the interval 1s"}},
		{"probe option values", "a:\n  type: A\n  value: 1.2.3.4\n  octodns:\n    signpost:\n      healthcheck: {interval: 10ms, failures: 0, expect_status: [99, 200-1], expect_body: '', initial: maybe, bogus: 1}\n",
			[]string{`octodns.signpost.healthcheck.interval "10ms" must be a duration from 100ms to 1h0m0s`,
				"octodns.signpost.healthcheck.failures must be a whole number from 1 to 100, got 0",
				`octodns.signpost.healthcheck.expect_status "99" must be a status code or a range such as 200-299`,
				`octodns.signpost.healthcheck.expect_status "200-1" must be a status code or a range such as 200-299`,
				"octodns.signpost.healthcheck.expect_body must be a string of 1 to 5120 bytes",
				"octodns.signpost.healthcheck.initial must be up or down, got maybe",
				`unknown key "bogus" in octodns.signpost.healthcheck`}},
		{"signpost answers", "a:\n  type: A\n  value: 1.2.3.4\n  octodns:\n    signpost:\n      answers: 0\n", []string{"octodns.signpost.answers must be a whole number from 1 to 64, got 0"}},
		{"signpost unknown key", "a:\n  type: A\n  value: 1.2.3.4\n  octodns:\n    signpost:\n      answer: 2\n", []string{`unknown key "answer" in octodns.signpost`}},
		{"provider blocks are allowed", "a:\n  type: A\n  value: 1.2.3.4\n  octodns:\n    route53:\n      healthcheck: {measure_latency: false}\n    ignored: false\n", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, _ := problems(t, tc.doc)
			if !slices.Equal(got, tc.want) {
				t.Errorf("reasons:\ngot  %q\nwant %q", got, tc.want)
			}
		})
	}
}

func TestProblemFormat(t *testing.T) {
	doc := "a:\n  type: A\n  value: 1.2.3.4\ntest:\n  type: A\n  values: [1.1.1.1]\n  dynamic:\n    pools:\n      one:\n        values:\n          - value: 3.3.3.3\n          - value: 4.4.4.4\n            weight: 101\n    rules:\n      - pool: one\n"
	_, probs := problems(t, doc)
	want := `unit.tests.yaml:13: test.unit.tests. A: invalid weight "101" in pool "one" value 2`
	if len(probs) != 1 || probs[0].String() != want {
		t.Fatalf("got %v\nwant %s", probs, want)
	}
}

func TestLenientWarnings(t *testing.T) {
	doc := "a:\n  type: A\n  values: [1.2.3.4, nope]\n  octodns:\n    lenient: true\n"
	_, probs := problems(t, doc)
	if len(probs) != 1 || !probs[0].Warning || !strings.HasPrefix(probs[0].String(), "warning: unit.tests.yaml:3: a.unit.tests. A:") {
		t.Fatalf("got %v", probs)
	}
}
