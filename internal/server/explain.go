package server

import (
	"fmt"
	"io"
	"math/rand/v2"
	"net/netip"
	"strings"

	"github.com/miekg/dns"

	"github.com/signpost-dns/signpost/internal/engine"
)

// ParseQuery builds the question `query` asks: a name, a type (default A)
// and the client, from --client or an EDNS Client Subnet.
func ParseQuery(name, qtype, client, subnet string) (*engine.Query, error) {
	q := &engine.Query{Name: dns.Fqdn(name), Type: dns.TypeA}
	if qtype != "" {
		t, ok := dns.StringToType[strings.ToUpper(qtype)]
		if !ok {
			return nil, fmt.Errorf("unknown query type %q", qtype)
		}
		q.Type = t
	}
	if client != "" {
		a, err := netip.ParseAddr(client)
		if err != nil {
			return nil, fmt.Errorf("--client: %w", err)
		}
		q.Client = a
	}
	if subnet != "" {
		p, err := netip.ParsePrefix(subnet)
		if err != nil {
			return nil, fmt.Errorf("--subnet: %w", err)
		}
		q.Client, q.SourceBits = p.Masked().Addr(), p.Bits()
	}
	return q, nil
}

// Explain answers q from st with health h and writes the answer and why:
// the client's location, each rule and pool value considered, and the
// sections of the response.
func Explain(w io.Writer, st *State, q *engine.Query, h *QueryHealth) {
	tr := &engine.Trace{}
	var resp engine.Response
	st.Table.Answer(q, h, rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64())), &resp, tr)
	fmt.Fprintf(w, ";; health: %s\n", h.Source)
	fmt.Fprintf(w, ";; question: %s %s\n", q.Name, dns.TypeToString[q.Type])
	explainClient(w, st, q)
	fmt.Fprintln(w, ";; explanation:")
	for _, l := range tr.Lines {
		fmt.Fprintf(w, ";;   %s\n", l)
	}
	flags := "authoritative"
	if !resp.Authoritative {
		flags = "not authoritative"
	}
	fmt.Fprintf(w, ";; status: %s, %s", dns.RcodeToString[resp.Rcode], flags)
	if q.SourceBits > 0 {
		fmt.Fprintf(w, ", ECS scope /%d", min(resp.ScopeBits, q.SourceBits))
	}
	fmt.Fprintln(w)
	section(w, "ANSWER", resp.Answer)
	section(w, "AUTHORITY", resp.Authority)
	section(w, "ADDITIONAL", resp.Extra)
}

func explainClient(w io.Writer, st *State, q *engine.Query) {
	switch {
	case q.SourceBits > 0:
		fmt.Fprintf(w, ";; client: ECS %s/%d\n", q.Client, q.SourceBits)
	case q.Client.IsValid():
		fmt.Fprintf(w, ";; client: %s\n", q.Client)
	default:
		fmt.Fprintf(w, ";; client: none given (subnet and geo rules cannot match; use --client or --subnet)\n")
	}
	if !q.Client.IsValid() {
		return
	}
	loc, ok := st.Locator.Locate(q.Client)
	if !ok {
		fmt.Fprintf(w, ";; location: unknown to %s\n", st.Locator.Source())
		return
	}
	network := "network size unknown"
	if loc.Bits > 0 {
		network = fmt.Sprintf("network /%d", loc.Bits)
	}
	fmt.Fprintf(w, ";; location: %s (%s) from %s\n", loc.Code(), network, st.Locator.Source())
}

func section(w io.Writer, name string, rrs []engine.RR) {
	if len(rrs) == 0 {
		return
	}
	fmt.Fprintf(w, "\n;; %s SECTION:\n", name)
	for _, x := range rrs {
		rr, err := x.Record()
		if err != nil {
			fmt.Fprintf(w, ";; %v\n", err)
			continue
		}
		fmt.Fprintln(w, rr.String())
	}
}
