package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"

	"github.com/signpost-dns/signpost/internal/api"
)

// description loads and validates the OpenAPI description.
func description(t *testing.T) (*openapi3.T, routers.Router) {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromData(api.OpenAPI())
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("the description is not valid OpenAPI 3: %v", err)
	}
	router, err := legacy.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	return doc, router
}

// TestOpenAPIDescribesEveryRoute: every route is described and every
// description is routed.
func TestOpenAPIDescribesEveryRoute(t *testing.T) {
	doc, _ := description(t)
	var described []string
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			described = append(described, method+" "+path)
		}
	}
	routes := append(api.Patterns(), "GET /api/v1/health")
	slices.Sort(described)
	slices.Sort(routes)
	if !slices.Equal(described, routes) {
		t.Errorf("described %q\nrouted    %q", described, routes)
	}
}

// validating checks every request that succeeds, and every response,
// against the description.
func validating(t *testing.T, h http.Handler) http.Handler {
	_, router := description(t)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())
		if rec.Code == http.StatusMethodNotAllowed {
			return
		}
		check := r.Clone(r.Context())
		check.Body = io.NopCloser(bytes.NewReader(body))
		route, params, err := router.FindRoute(check)
		if err != nil {
			t.Errorf("%s %s is not described: %v", r.Method, r.URL.Path, err)
			return
		}
		in := &openapi3filter.RequestValidationInput{Request: check, PathParams: params, Route: route,
			Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}}
		if rec.Code < 400 {
			if err := openapi3filter.ValidateRequest(r.Context(), in); err != nil {
				t.Errorf("%s %s: the request does not fit the description: %v", r.Method, r.URL.Path, err)
			}
		}
		out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: rec.Code, Header: rec.Header(),
			Body: io.NopCloser(bytes.NewReader(rec.Body.Bytes())), Options: &openapi3filter.Options{IncludeResponseStatus: true}}
		if err := openapi3filter.ValidateResponse(r.Context(), out); err != nil {
			t.Errorf("%s %s -> %d: the response does not fit the description: %v\n%s", r.Method, r.URL.Path, rec.Code, err, rec.Body.String())
		}
	})
}

// TestNativeRoutes walks every native route once; restServer validates
// each request and response against the description.
func TestNativeRoutes(t *testing.T) {
	base, token, _ := restServer(t)
	var id struct{ ID string }
	do := func(method, path string, body any, want int) string {
		t.Helper()
		got, out := call(t, base, token, method, path, body)
		if got != want {
			t.Fatalf("%s %s: HTTP %d, want %d: %s", method, path, got, want, out)
		}
		id.ID = ""
		_ = json.Unmarshal([]byte(out), &id)
		return id.ID
	}
	do("POST", "/api/v1/ips", map[string]any{"address": "192.0.2.1", "hostname": "node1.example.net",
		"healthcheck": map[string]any{"protocol": "HTTP", "port": 8080, "path": "/status", "interval": "5s"}}, 201)
	do("POST", "/api/v1/ips", map[string]any{"address": "2001:db8::1"}, 201)
	do("GET", "/api/v1/ips", nil, 200)
	do("GET", "/api/v1/ips/192.0.2.1", nil, 200)
	do("PATCH", "/api/v1/ips/2001:db8::1", map[string]any{"friendly_name": "v6"}, 200)
	p := do("POST", "/api/v1/policies", map[string]any{"name": "web", "routing": "weighted", "ttl": 60,
		"members": []map[string]any{{"ip": "192.0.2.1", "region": "eu-west-1", "weight": 5}}}, 201)
	do("GET", "/api/v1/policies", nil, 200)
	do("GET", "/api/v1/policies/"+p, nil, 200)
	do("PATCH", "/api/v1/policies/"+p, map[string]any{"ttl": 30}, 200)
	m := do("POST", "/api/v1/policies/"+p+"/members", map[string]any{"ip": "2001:db8::1", "region": "us-east-1"}, 201)
	do("PATCH", "/api/v1/policies/"+p+"/members/"+m, map[string]any{"weight": 20}, 200)
	z := do("POST", "/api/v1/zones", map[string]any{"root": "example.net."}, 201)
	do("GET", "/api/v1/zones", nil, 200)
	r := do("POST", "/api/v1/zones/"+z+"/records", map[string]any{"name": "www", "type": "POLICY_ROUTED_IPv6", "values": []string{p}}, 201)
	do("POST", "/api/v1/zones/"+z+"/records", map[string]any{"name": "mail", "type": "MX", "values": []string{"10 mx1.example.net."}, "ttl": 3600}, 201)
	do("GET", "/api/v1/zones/"+z+"/records", nil, 200)
	do("GET", "/api/v1/zones/"+z+"/records/"+r, nil, 200)
	do("GET", "/api/v1/zones/"+z, nil, 200)
	// The v6 member, or its IP, cannot go while www AAAA points at the policy.
	do("DELETE", "/api/v1/policies/"+p+"/members/"+m, nil, 409)
	do("DELETE", "/api/v1/ips/2001:db8::1", nil, 409)
	do("DELETE", "/api/v1/policies/"+p, nil, 409)
	do("DELETE", "/api/v1/zones/"+z+"/records/"+r, nil, 204)
	do("DELETE", "/api/v1/policies/"+p+"/members/"+m, nil, 204)
	do("DELETE", "/api/v1/policies/"+p, nil, 204)
	do("DELETE", "/api/v1/zones/"+z, nil, 204)
	do("DELETE", "/api/v1/ips/192.0.2.1", nil, 204)
	do("GET", "/api/v1/events?limit=5", nil, 200)
	do("GET", "/api/v1/openapi.json", nil, 200)
	do("GET", "/api/v1/zones/"+z, nil, 404)
	if got, body := call(t, base, "", "GET", "/api/v1/ips", nil); got != 401 || !strings.Contains(body, "Authentication credentials were not provided.") {
		t.Errorf("no token: HTTP %d %s", got, body)
	}
}
