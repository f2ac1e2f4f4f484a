package rfc2136_test

import (
	"testing"

	"github.com/signpost-dns/signpost/internal/provider"
	"github.com/signpost-dns/signpost/internal/provider/providertest"
	"github.com/signpost-dns/signpost/internal/provider/rfc2136"
)

func newProvider(t testing.TB, s *server) *rfc2136.Provider {
	t.Helper()
	key := s.key
	p, err := rfc2136.New(rfc2136.Options{Name: "ns1", Server: s.addr, TSIG: &key})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestConformance runs the provider suite every provider passes (create,
// update, delete, dynamic records flattened, status changes, CNAME/A
// swaps, saved and stale plans) against each real server.
func TestConformance(t *testing.T) {
	for kind, startServer := range servers(t) {
		t.Run(kind, func(t *testing.T) {
			providertest.Run(t, providertest.Harness{New: func(t testing.TB) provider.Provider {
				return newProvider(t, startServer(t, "example.com."))
			}})
		})
	}
}
