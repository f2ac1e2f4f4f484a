package main

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/netip"
	"strings"
	"time"

	"github.com/miekg/dns"

	"github.com/signpost-dns/signpost/internal/engine"
)

func cmdQuery(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlags("query", "query --config FILE [--client IP] [--subnet CIDR] NAME [TYPE]", stderr)
	cfgPath := fs.String("config", "signpost.yaml", "configuration file")
	clientFlag := fs.String("client", "", "the querying client's (or resolver's) address")
	subnetFlag := fs.String("subnet", "", "an EDNS Client Subnet, e.g. 203.0.113.0/24; overrides --client for steering")
	healthURL := fs.String("health", "", "where to read live health (default: the config's http.listen; \"off\" assumes every target healthy)")
	probe := fs.Bool("probe", false, "probe every health-check target now instead of asking a running server")
	fs.Bool("explain", true, "explain the answer (always on; accepted for clarity)")
	pos, code, ok := parse(fs, args)
	if !ok {
		return code
	}
	if len(pos) < 1 || len(pos) > 2 {
		fs.Usage()
		return 2
	}
	q, err := buildQuery(pos, *clientFlag, *subnetFlag)
	if err != nil {
		fmt.Fprintf(stderr, "signpost: %v\n", err)
		return 2
	}
	st, err := load(*cfgPath, uint32(time.Now().Unix()))
	if err != nil {
		if st != nil {
			printProblems(stderr, st.probs.Errors())
		}
		fmt.Fprintf(stderr, "signpost: %v\n", err)
		return 1
	}
	h := queryHealthFor(ctx, st, *healthURL, *probe)
	tr := &engine.Trace{}
	var resp engine.Response
	st.table.Answer(q, h, rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64())), &resp, tr)
	fmt.Fprintf(stdout, ";; health: %s\n", h.source)
	explain(stdout, st, q, &resp, tr)
	return 0
}

func queryHealthFor(ctx context.Context, st *state, url string, probe bool) *queryHealth {
	n := len(st.table.Targets())
	switch {
	case n == 0:
		return newQueryHealth(0, "no value is health-checked")
	case probe:
		return probeNow(ctx, st.table)
	case url == "off":
		return newQueryHealth(n, "not consulted (--health off); obey values counted healthy")
	}
	if url == "" {
		if st.cfg.HTTP.Listen == "" {
			return newQueryHealth(n, "unknown (http.listen is off); obey values counted healthy; use --probe")
		}
		url = "http://" + st.cfg.HTTP.Listen + "/api/v1/health"
	}
	q, err := liveHealth(ctx, st.table, url)
	if err != nil {
		return newQueryHealth(n, fmt.Sprintf("unknown (no running signpost: %v); obey values counted healthy; use --probe", err))
	}
	return q
}

func buildQuery(pos []string, client, subnet string) (*engine.Query, error) {
	q := &engine.Query{Name: dns.Fqdn(pos[0]), Type: dns.TypeA}
	if len(pos) == 2 {
		t, ok := dns.StringToType[strings.ToUpper(pos[1])]
		if !ok {
			return nil, fmt.Errorf("unknown query type %q", pos[1])
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

func explain(w io.Writer, st *state, q *engine.Query, resp *engine.Response, tr *engine.Trace) {
	fmt.Fprintf(w, ";; question: %s %s\n", q.Name, dns.TypeToString[q.Type])
	switch {
	case q.SourceBits > 0:
		fmt.Fprintf(w, ";; client: ECS %s/%d\n", q.Client, q.SourceBits)
	case q.Client.IsValid():
		fmt.Fprintf(w, ";; client: %s\n", q.Client)
	default:
		fmt.Fprintf(w, ";; client: none given (subnet and geo rules cannot match; use --client or --subnet)\n")
	}
	if q.Client.IsValid() {
		if loc, ok := st.locator.Locate(q.Client); ok {
			network := "network size unknown"
			if loc.Bits > 0 {
				network = fmt.Sprintf("network /%d", loc.Bits)
			}
			fmt.Fprintf(w, ";; location: %s (%s) from %s\n", loc.Code(), network, st.locator.Source())
		} else {
			fmt.Fprintf(w, ";; location: unknown to %s\n", st.locator.Source())
		}
	}
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

func section(w io.Writer, name string, rrs []engine.RR) {
	if len(rrs) == 0 {
		return
	}
	fmt.Fprintf(w, "\n;; %s SECTION:\n", name)
	for _, x := range rrs {
		rr := dns.Copy(x.RR)
		rr.Header().Name = x.Owner
		fmt.Fprintln(w, rr.String())
	}
}
