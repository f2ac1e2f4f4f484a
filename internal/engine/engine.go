// Package engine compiles validated zones into an immutable answer table
// and answers questions from it.
//
// Table.Answer is pure: it reads the table, the health view and the random
// source it is given, and writes into a caller-owned Response. Static
// answers are prebuilt at compile time; dynamic answers pick among prebuilt
// values, so the answer path does not allocate.
package engine

import (
	"errors"
	"fmt"
	"net/netip"

	"github.com/miekg/dns"
)

// Health tells the engine whether a health-checked target is up. Target ids
// index Table.Targets.
type Health interface {
	Up(target int) bool
}

// HealthExplainer is a Health that can also say why a target is where it
// is; explanations use it when available.
type HealthExplainer interface {
	Health
	Explain(target int) string
}

// AllUp is a Health under which every target is up.
type AllUp struct{}

// Up implements Health.
func (AllUp) Up(int) bool { return true }

// Rand is the random source for weighted picks; *rand.Rand from
// math/rand/v2 satisfies it.
type Rand interface {
	IntN(n int) int
}

// Query is a question with what is known of the client.
type Query struct {
	Name string // as asked; its case is kept in answers
	Type uint16
	// Client is the address steering uses: the EDNS Client Subnet address
	// when present, else the source address. It may be invalid.
	Client netip.Addr
	// SourceBits is the ECS source prefix length; 0 without ECS.
	SourceBits int
}

// RR is one record of a response with the owner name to write it under.
// Wire is shared with the table and must not be modified.
type RR struct {
	Owner string
	// Wire is the record packed at compile time with its canonical owner,
	// uncompressed: owner, type, class, TTL, RDLENGTH, RDATA.
	Wire []byte
}

// Record returns the record as a miekg/dns RR of its own, under Owner.
// The table keeps records only in wire form, so this unpacks one: it is
// for the full packet path and explanations (the fast path writes Wire).
func (x RR) Record() (dns.RR, error) {
	rr, err := record{wire: x.Wire}.decode()
	if err != nil {
		return nil, fmt.Errorf("record of %s: %w", x.Owner, err)
	}
	rr.Header().Name = x.Owner
	return rr, nil
}

// record is a compiled record: its wire form and nothing else, so that a
// million records are a million byte slices cut from shared blocks, not a
// million miekg/dns structs for the collector to scan as well.
type record struct {
	wire []byte
}

// decode unpacks r.
func (r record) decode() (dns.RR, error) {
	rr, _, err := dns.UnpackRR(r.wire, 0)
	return rr, err
}

// newRecord packs rr into a buffer of its own: blocks.record's way out
// when dns.Len falls short of the packed length. The buffer grows until
// the record fits.
func newRecord(rr dns.RR) (record, error) {
	size := dns.Len(rr)
	for {
		buf := make([]byte, size)
		n, err := dns.PackRR(rr, buf, 0, nil, false)
		if errors.Is(err, dns.ErrBuf) && size < dns.MaxMsgSize {
			size += 256
			continue
		}
		if err != nil {
			return record{}, err
		}
		return record{wire: buf[:n:n]}, nil
	}
}

func (r record) under(owner string) RR { return RR{Owner: owner, Wire: r.wire} }

// Response is what the engine answers. Reuse one per goroutine: Answer
// resets it and appends into its slices.
type Response struct {
	Rcode         int
	Authoritative bool // false for REFUSED and for referrals
	Answer        []RR
	Authority     []RR
	Extra         []RR

	Zone       string // the zone that answered, "" if none
	Record     string // the dynamic record steered, "" if none
	RecordType uint16 // its type
	Pool       string // the pool that answered, "backup", or ""
	// ScopeBits is how many leading bits of the client address the answer
	// depended on; the ECS scope prefix is this capped at SourceBits.
	ScopeBits int

	name [256]byte // scratch for the lower-cased question name
}

func (r *Response) reset() {
	r.Rcode = dns.RcodeSuccess
	r.Authoritative = false
	r.Answer = r.Answer[:0]
	r.Authority = r.Authority[:0]
	r.Extra = r.Extra[:0]
	r.Zone, r.Record, r.Pool = "", "", ""
	r.RecordType = 0
	r.ScopeBits = 0
}
