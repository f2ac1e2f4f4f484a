package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/signpost-dns/signpost/internal/server/servertest"
)

// TestPoliciesThroughTheBinary: a token from `token create` (its last
// line), `serve`, the REST API, and a real DNS answer from the policy.
func TestPoliciesThroughTheBinary(t *testing.T) {
	cfg := servertest.Workspace(t, servertest.ZoneV1, "policies:\n  healthcheck: {protocol: TCP, port: 1}\n")
	code, out, errs := runCmd("token", "create", "--config", cfg, "--name", "ci")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	token := lines[len(lines)-1]
	if code != 0 || !strings.HasPrefix(token, "sp_") {
		t.Fatalf("token create: %d %q %q", code, out, errs)
	}
	if code, out, _ := runCmd("token", "list", "--config", cfg); code != 0 || !strings.HasPrefix(out, "ci\tread-only=false") {
		t.Errorf("token list: %d %q", code, out)
	}
	dnsAddr, httpAddr, stop := serve(t, cfg)
	post := func(path string, body any) string {
		t.Helper()
		b, _ := json.Marshal(body)
		req, _ := http.NewRequest("POST", "http://"+httpAddr+path, bytes.NewReader(b))
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var v struct{ ID string }
		raw, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 201 || json.Unmarshal(raw, &v) != nil {
			t.Fatalf("POST %s: %d %s", path, resp.StatusCode, raw)
		}
		return v.ID
	}
	post("/api/v1/ips", map[string]any{"address": "127.0.6.1"})
	p := post("/api/v1/policies", map[string]any{"name": "web", "routing": "weighted", "members": []map[string]any{{"ip": "127.0.6.1", "region": "us-east-1"}}})
	z := post("/api/v1/zones", map[string]any{"root": "example.net."})
	post("/api/v1/zones/"+z+"/records", map[string]any{"name": "www", "type": "POLICY_ROUTED", "values": []string{p}})
	// The IP's check (TCP port 1) fails, and the policy never goes dark.
	servertest.WaitFor(t, 10*time.Second, "the policy's answer", func() bool {
		return slices.Equal(servertest.QueryA(dnsAddr, "www.example.net."), []string{"127.0.6.1"})
	})
	stop()
	if code, out, _ := runCmd("token", "revoke", "--config", cfg, "ci"); code != 0 || out != "revoked ci\n" {
		t.Errorf("token revoke: %d %q", code, out)
	}
}
