package zonefile

import (
	"reflect"
	"testing"
	"unsafe"
)

// A zone never shares memory with the bytes it was parsed from: the fast
// reader slices the file's text, and Parse copies out every string the
// zone and its problems keep. A string left behind would keep a whole
// file's text alive, and would change if the caller reused its buffer.
func TestParsedZoneKeepsNoneOfTheFile(t *testing.T) {
	src := []byte(`'':
  - type: NS
    values: [ns1.example.net., ns2.example.net.]
  - type: MX
    values:
      - {exchange: mx1.example.com., preference: 10}
www:
  type: A
  ttl: 60
  values: [192.0.2.1, 192.0.2.2]
  dynamic:
    pools:
      eu:
        fallback: us
        values:
          - {value: 192.0.2.10, weight: 3, status: up}
          - {value: 192.0.2.11, status: obey}
      us:
        values:
          - value: 192.0.2.20
    rules:
      - {subnets: [10.0.0.0/16], pool: us}
      - {geos: [EU-FR, NA-US-CA], pool: eu}
      - pool: us
  octodns:
    healthcheck: {protocol: HTTP, host: check.example.com, path: /health, port: 8080}
    signpost:
      healthcheck: {interval: 5s, expect_body: alive, expect_status: [200]}
    route53:
      healthcheck:
        measure_latency: false
txt:
  type: TXT
  values: ["v=spf1 -all", plain text]
_srv._tcp:
  type: SRV
  value: {priority: 1, weight: 2, port: 443, target: srv.example.com.}
caa:
  type: CAA
  value: {flags: 0, tag: issue, value: ca.example.net}
alias:
  type: CNAME
  value: www.example.com.
dup:
  type: A
  value: 192.0.2.30
dup:
  type: A
  value: 192.0.2.31
bad:
  type: A
  value: not-an-address
`)
	if _, _, ok := readFast(src); !ok {
		t.Fatal("the fast reader should read this file")
	}
	z, probs := Parse("detach.yaml", "example.com.", src)
	if z == nil || len(z.Records) < 8 || len(probs) == 0 {
		t.Fatalf("zone %v, problems %v: the file should load, with problems", z, probs)
	}
	lo := uintptr(unsafe.Pointer(unsafe.SliceData(src)))
	hi := lo + uintptr(len(src))
	var found []string
	walk(reflect.ValueOf(z), func(s string) {
		if p := uintptr(unsafe.Pointer(unsafe.StringData(s))); len(s) > 0 && p >= lo && p < hi {
			found = append(found, s)
		}
	})
	walk(reflect.ValueOf(probs), func(s string) {
		if p := uintptr(unsafe.Pointer(unsafe.StringData(s))); len(s) > 0 && p >= lo && p < hi {
			found = append(found, s)
		}
	})
	if len(found) > 0 {
		t.Errorf("%d strings still point into the file's bytes: %q", len(found), found)
	}
}

// walk calls f with every string reachable from v.
func walk(v reflect.Value, f func(string)) {
	switch v.Kind() {
	case reflect.String:
		f(v.String())
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			walk(v.Elem(), f)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			walk(v.Field(i), f)
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			walk(v.Index(i), f)
		}
	case reflect.Map:
		for it := v.MapRange(); it.Next(); {
			walk(it.Key(), f)
			walk(it.Value(), f)
		}
	}
}
