package dnsserver

import (
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/miekg/dns"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/signpost-dns/signpost/internal/engine"
	"github.com/signpost-dns/signpost/internal/zonefile"
)

// A zone of many dynamic records must not make as many series unless the
// operator asks for them.
func TestAnswerSeriesAreBounded(t *testing.T) {
	const records = 2000
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString("'':\n  type: NS\n  values: [ns1.many.test.]\n")
	for i := range records {
		fmt.Fprintf(&b, "r%d:\n  type: A\n  values: [127.0.9.1]\n  dynamic:\n    pools:\n      p: {values: [{value: 127.0.9.2, status: up}]}\n    rules: [{pool: p}]\n", i)
	}
	if err := os.WriteFile(filepath.Join(dir, "many.test.yaml"), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	zones, _, err := zonefile.LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	table, _ := engine.Compile(zones, engine.Options{Serial: 1})
	for _, tc := range []struct {
		perRecord bool
		want      int
	}{{false, 1}, {true, records}} {
		reg := prometheus.NewRegistry()
		s := New(Options{Metrics: NewMetrics(reg, tc.perRecord)}, table, nil)
		w := newWorker()
		for i := range records {
			m := new(dns.Msg)
			m.SetQuestion(fmt.Sprintf("r%d.many.test.", i), dns.TypeA)
			pkt, _ := m.Pack()
			if out := s.respondInto(w, nil, pkt, netip.MustParseAddr("127.0.0.1"), true); out == nil {
				t.Fatal("no reply")
			}
		}
		if got := series(t, reg, "signpost_dns_answers_total"); got != tc.want {
			t.Errorf("per_record %v: %d answer series, want %d", tc.perRecord, got, tc.want)
		}
	}
}

func series(t *testing.T, reg *prometheus.Registry, name string) int {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() == name {
			return len(mf.GetMetric())
		}
	}
	return 0
}
