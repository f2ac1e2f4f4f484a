package rfc2136

import (
	"encoding/json"
	"testing"

	"github.com/miekg/dns"

	"github.com/signpost-dns/signpost/internal/model"
)

// FuzzReadTransfer feeds arbitrary messages to what reads a server's
// answers: an AXFR envelope or a set read by query, into the state, the
// dumped zone, and a plan against a desired zone. None may panic, and the
// dumped zone must name only records under the zone.
func FuzzReadTransfer(f *testing.F) {
	for _, rrs := range [][]string{
		{"fuzz.test. 300 IN SOA ns.fuzz.test. h.fuzz.test. 1 2 3 4 5", "www.fuzz.test. 60 IN A 127.0.0.1", "www.fuzz.test. 60 IN A 127.0.0.2"},
		{"fuzz.test. 300 IN NS ns.fuzz.test.", "m.fuzz.test. 60 IN MX 10 mx.fuzz.test.", `t.fuzz.test. 60 IN TXT "a b" "c"`},
		{"*.fuzz.test. 60 IN CNAME www.fuzz.test.", "x.fuzz.test. 60 IN RRSIG A 13 3 60 20300101000000 20200101000000 1 fuzz.test. AAAA"},
		{"WWW.FUZZ.TEST. 60 IN AAAA ::1", "_s._tcp.fuzz.test. 60 IN SRV 1 2 3 t.fuzz.test.", "other.test. 60 IN A 127.0.0.3"},
	} {
		m := new(dns.Msg)
		m.SetAxfr("fuzz.test.")
		for _, s := range rrs {
			rr, err := dns.NewRR(s)
			if err != nil {
				f.Fatal(err)
			}
			m.Answer = append(m.Answer, rr)
		}
		b, err := m.Pack()
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	p := &Provider{opts: Options{Name: "fuzz", Server: "127.0.0.1:53"}}
	want := &model.Zone{Name: "fuzz.test.", Records: []*model.Record{
		{Zone: "fuzz.test.", Name: "www", Type: "A", TTL: 60, Values: []string{"127.0.0.1"}},
	}}
	desiredRecs, err := desired(want, nil)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		m := new(dns.Msg)
		if m.Unpack(b) != nil {
			return
		}
		st := &state{sets: map[string]RRSet{}}
		for _, rr := range m.Answer {
			st.add(rr)
		}
		st.finish()
		if z := st.zone("fuzz.test."); len(z.Records) != len(st.sets) {
			t.Fatalf("%d sets read, %d records dumped", len(st.sets), len(z.Records))
		}
		zp := p.planFrom("fuzz.test.", desiredRecs, st)
		if !json.Valid(zp.Payload) {
			t.Fatalf("plan payload %s", zp.Payload)
		}
	})
}
