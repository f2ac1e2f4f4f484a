package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/signpost-dns/signpost/internal/api"
	"github.com/signpost-dns/signpost/internal/store"
)

// restServer serves the REST API over a fresh SQLite store and returns its
// URL and a read-write token.
func restServer(t *testing.T) (string, string, *store.Store) {
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "signpost.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	token, hash := api.NewToken()
	err = st.Update(context.Background(), func(tx *store.Tx) error {
		return tx.CreateToken(context.Background(), &store.Token{Name: "zinc-client", Hash: hash, Created: time.Now()})
	})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(validating(t, api.New(api.Options{Rest: &api.Rest{Store: st}})))
	t.Cleanup(srv.Close)
	return srv.URL, token, st
}

// call sends a request with Basic auth (zinc's clients) and returns the
// status and the raw body.
func call(t *testing.T, base, token, method, path string, body any) (int, string) {
	t.Helper()
	var rd bytes.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = *bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, base+path, &rd)
	if token != "" {
		req.SetBasicAuth("zinc", token)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out bytes.Buffer
	_, _ = out.ReadFrom(resp.Body)
	return resp.StatusCode, out.String()
}

// TestZincClient replays the calls zinc's own API tests make (zinc
// reference §5–§6) against zinc's paths.
func TestZincClient(t *testing.T) {
	base, token, _ := restServer(t)
	type step struct {
		method, path string
		body         any
		status       int
		contains     []string
	}
	var zoneID, recordID, policyID string
	id := func(body string) string {
		var v struct{ ID string }
		_ = json.Unmarshal([]byte(body), &v)
		return v.ID
	}
	steps := []func() step{
		func() step { return step{"GET", "/_health", nil, 200, []string{`"status": "ok"`}} },
		func() step { return step{"GET", "/zones", nil, 200, []string{"[]"}} },
		func() step {
			return step{"POST", "/zones", map[string]any{"root": "bad root"}, 400, []string{`"root": [`, `"Invalid root domain"`}}
		},
		func() step {
			return step{"POST", "/zones", map[string]any{"root": "test-zinc.net"}, 201, []string{`"root": "test-zinc.net."`, `"route53_id": null`}}
		},
	}
	run := func(s step) string {
		t.Helper()
		got, body := call(t, base, token, s.method, s.path, s.body)
		if got != s.status {
			t.Fatalf("%s %s: HTTP %d, want %d: %s", s.method, s.path, got, s.status, body)
		}
		for _, c := range s.contains {
			if !strings.Contains(body, c) {
				t.Errorf("%s %s: body lacks %s:\n%s", s.method, s.path, c, body)
			}
		}
		return body
	}
	for _, s := range steps {
		zoneID = id(run(s()))
	}
	if got, _ := call(t, base, "", "GET", "/zones", nil); got != http.StatusUnauthorized {
		t.Errorf("no credentials: HTTP %d", got)
	}
	recs := "/zones/" + zoneID + "/records"
	recordID = id(run(step{"POST", recs, map[string]any{"name": "test", "type": "A", "values": []string{"1.1.1.1"}}, 201,
		[]string{`"fqdn": "test.test-zinc.net."`, `"ttl": 300`, `"dirty": false`, `"managed": false`}}))
	// POST never overwrites.
	run(step{"POST", recs, map[string]any{"name": "test", "type": "A", "values": []string{"2.2.2.2"}}, 400, []string{"A A record of the same name already exists."}})
	run(step{"GET", recs + "/" + recordID, nil, 200, []string{`"1.1.1.1"`}})
	// An A and a TXT share a name; a CNAME shares it with nothing.
	run(step{"POST", recs, map[string]any{"name": "test", "type": "TXT", "values": []string{"hello"}}, 201, nil})
	run(step{"POST", recs, map[string]any{"name": "test", "type": "CNAME", "values": []string{"x.example.com."}}, 400, []string{"A A record of the same name already exists."}})
	run(step{"POST", recs, map[string]any{"name": "_zn_web", "type": "A", "values": []string{"1.1.1.1"}}, 400, []string{"Record _zn_web can't start with _zn. It's a reserved prefix."}})
	run(step{"POST", recs, map[string]any{"name": "soa", "type": "SOA", "values": []string{"x"}}, 400, []string{"Type 'SOA' is not allowed."}})
	run(step{"POST", recs, map[string]any{"name": "c", "type": "CNAME", "values": []string{"a.example.com.", "b.example.com."}}, 400, []string{"Only one value can be specified for CNAME records."}})
	run(step{"POST", recs, map[string]any{"name": "v4", "type": "A", "values": []string{"1.1.1"}}, 400, []string{"Value is not a valid IPv4 address."}})
	run(step{"POST", recs, map[string]any{"name": "v6", "type": "AAAA", "values": []string{"1.1.1.1"}}, 400, []string{"Value is not a valid IPv6 address."}})
	run(step{"PATCH", recs + "/" + recordID, map[string]any{"name": "other"}, 400, []string{"Can't update 'name' and 'type' fields. "}})
	run(step{"PATCH", recs + "/" + recordID, map[string]any{"values": []string{"3.3.3.3"}, "ttl": 60}, 200, []string{`"3.3.3.3"`, `"ttl": 60`}})
	run(step{"GET", recs + "/no-such-record", nil, 404, []string{"Record not found."}})

	// A policy, then a policy record pointing at it.
	if got, body := call(t, base, token, "POST", "/api/v1/ips", map[string]any{"address": "1.1.1.1"}); got != 201 {
		t.Fatalf("ip: %d %s", got, body)
	}
	_, body := call(t, base, token, "POST", "/api/v1/policies", map[string]any{"name": "policy1", "members": []map[string]any{{"ip": "1.1.1.1", "region": "us-east-1"}}})
	policyID = id(body)
	run(step{"GET", "/policies", nil, 200, []string{`"name": "policy1"`, `"enabled": true`, `"url": "/policies/` + policyID + `"`}})
	run(step{"POST", recs, map[string]any{"name": "@", "type": "POLICY_ROUTED", "values": []string{policyID}}, 201, []string{`"ttl": null`, `"fqdn": "test-zinc.net."`}})
	run(step{"POST", recs, map[string]any{"name": "x", "type": "POLICY_ROUTED", "values": []string{"no-such-policy"}}, 400, []string{`Unknown policy \"no-such-policy\"`}})
	run(step{"GET", "/zones/" + zoneID, nil, 200, []string{`"records_url": "/zones/` + zoneID + `/records"`, `"POLICY_ROUTED"`}})
	run(step{"DELETE", recs + "/" + recordID, nil, 204, nil})
	run(step{"DELETE", "/zones/" + zoneID, nil, 204, nil})
	run(step{"GET", "/zones", nil, 200, []string{"[]"}})
}

// TestRequestRules: wrong methods, unknown fields, oversized bodies.
func TestRequestRules(t *testing.T) {
	base, token, _ := restServer(t)
	if got, _ := call(t, base, token, "PUT", "/api/v1/ips", nil); got != http.StatusMethodNotAllowed {
		t.Errorf("PUT: HTTP %d, want 405", got)
	}
	if got, body := call(t, base, token, "POST", "/api/v1/ips", map[string]any{"address": "192.0.2.1", "colour": "red"}); got != 400 || !strings.Contains(body, `unknown field \"colour\"`) {
		t.Errorf("an unknown field: HTTP %d %s", got, body)
	}
	big := map[string]any{"address": "192.0.2.1", "hostname": strings.Repeat("a", 2<<20)}
	if got, _ := call(t, base, token, "POST", "/api/v1/ips", big); got != http.StatusRequestEntityTooLarge {
		t.Errorf("a 2 MiB body: HTTP %d, want 413", got)
	}
	if got, body := call(t, base, token, "POST", "/api/v1/ips", map[string]any{"address": "192.0.2.1"}); got != 201 {
		t.Fatalf("%d %s", got, body)
	}
	if got, body := call(t, base, token, "POST", "/api/v1/ips", map[string]any{"address": "192.0.2.1"}); got != 409 || !strings.Contains(body, "IP with this address already exists.") {
		t.Errorf("a second 192.0.2.1: HTTP %d %s", got, body)
	}
}
