package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/signpost-dns/signpost/internal/api"
	"github.com/signpost-dns/signpost/internal/store"
)

// fuzzAPI is a REST API over a SQLite store holding one zone, one IP, one
// policy and one record, called in-process.
type fuzzAPI struct {
	h                            http.Handler
	token                        string
	zone, record, policy, member string
}

func newFuzzAPI(f *testing.F) *fuzzAPI {
	dir := f.TempDir()
	if shm, err := os.MkdirTemp("/dev/shm", "signpost-fuzz"); err == nil {
		dir = shm // a store in memory: the fuzzer measures the API, not the disk
		f.Cleanup(func() { os.RemoveAll(shm) })
	}
	st, err := store.Open(context.Background(), filepath.Join(dir, "signpost.db"))
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { st.Close() })
	token, hash := api.NewToken()
	err = st.Update(context.Background(), func(tx *store.Tx) error {
		return tx.CreateToken(context.Background(), &store.Token{Name: "fuzz", Hash: hash, Created: time.Now()})
	})
	if err != nil {
		f.Fatal(err)
	}
	a := &fuzzAPI{h: api.New(api.Options{Rest: &api.Rest{Store: st}}), token: token}
	id := func(status int, body []byte) string {
		var v struct {
			ID      string
			Members []struct{ ID string }
		}
		if status >= 300 || json.Unmarshal(body, &v) != nil {
			f.Fatalf("setting up: %d %s", status, body)
		}
		if len(v.Members) > 0 {
			a.member = v.Members[0].ID
		}
		return v.ID
	}
	a.zone = id(a.call("POST", "/api/v1/zones", []byte(`{"root": "fuzz.test"}`)))
	a.call("POST", "/api/v1/ips", []byte(`{"address": "127.0.0.9", "enabled": true}`))
	a.policy = id(a.call("POST", "/api/v1/policies", []byte(`{"name": "p", "routing": "weighted", "members": [{"ip": "127.0.0.9", "weight": 10}]}`)))
	a.record = id(a.call("POST", "/api/v1/zones/"+a.zone+"/records", []byte(`{"name": "www", "type": "A", "values": ["127.0.0.1"]}`)))
	return a
}

func (a *fuzzAPI) call(method, path string, body []byte) (int, []byte) {
	req := httptest.NewRequest(method, path, bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+a.token)
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	a.h.ServeHTTP(rec, req)
	return rec.Code, rec.Body.Bytes()
}

// FuzzAPIWrite sends arbitrary bodies to every write endpoint. Whatever
// the body, the answer is a JSON document with a 2xx or 4xx status: never
// a panic, never a 500.
func FuzzAPIWrite(f *testing.F) {
	a := newFuzzAPI(f)
	seeds := []string{
		`{"name": "x", "type": "A", "values": ["127.0.0.2"], "ttl": 60}`,
		`{"name": "y", "type": "POLICY_ROUTED", "values": ["` + a.policy + `"]}`,
		`{"name": "m", "type": "MX", "values": [{"preference": 10, "exchange": "mx.fuzz.test."}]}`,
		`{"values": ["127.0.0.3", "127.0.0.4"]}`,
		`{"root": "other.test", "targets": []}`,
		`{"address": "127.0.0.10", "enabled": false}`,
		`{"name": "q", "routing": "latency", "members": [{"ip": "127.0.0.9", "region": "us-east-1"}]}`,
		`{"ip": "127.0.0.9", "weight": 5, "enabled": true}`,
		`{"weight": -1}`, `[]`, `null`, `{"name": 1}`, `{} {}`,
	}
	for _, s := range seeds {
		for ep := range uint8(len(fuzzEndpoints)) {
			f.Add(ep, []byte(s))
		}
	}
	f.Fuzz(func(t *testing.T, ep uint8, body []byte) {
		e := fuzzEndpoints[int(ep)%len(fuzzEndpoints)]
		status, out := a.call(e.method, e.path(a), body)
		if status >= 500 || status < 200 {
			t.Fatalf("%s %s %q: %d %s", e.method, e.path(a), body, status, out)
		}
		if len(out) > 0 && !json.Valid(out) {
			t.Fatalf("%s %s %q: not JSON: %s", e.method, e.path(a), body, out)
		}
	})
}

var fuzzEndpoints = []struct {
	method string
	path   func(*fuzzAPI) string
}{
	{"POST", func(*fuzzAPI) string { return "/api/v1/zones" }},
	{"POST", func(a *fuzzAPI) string { return "/api/v1/zones/" + a.zone + "/records" }},
	{"PATCH", func(a *fuzzAPI) string { return "/api/v1/zones/" + a.zone + "/records/" + a.record }},
	{"POST", func(*fuzzAPI) string { return "/api/v1/ips" }},
	{"PATCH", func(*fuzzAPI) string { return "/api/v1/ips/127.0.0.9" }},
	{"POST", func(*fuzzAPI) string { return "/api/v1/policies" }},
	{"PATCH", func(a *fuzzAPI) string { return "/api/v1/policies/" + a.policy }},
	{"POST", func(a *fuzzAPI) string { return "/api/v1/policies/" + a.policy + "/members" }},
	{"PATCH", func(a *fuzzAPI) string { return "/api/v1/policies/" + a.policy + "/members/" + a.member }},
	{"POST", func(a *fuzzAPI) string { return "/zones/" + a.zone + "/records" }},
}
