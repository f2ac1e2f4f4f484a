package api

import (
	_ "embed"
	"net/http"
	"strconv"

	"github.com/signpost-dns/signpost/internal/store"
)

// eventPage is one page of the audit log, newest first.
type eventPage struct {
	Events []*store.Event `json:"events"`
	Next   string         `json:"next,omitempty"` // the next page's URL
}

func (rest *Rest) listEvents(r *http.Request, _ *store.Token) (int, any, error) {
	before, _ := strconv.ParseInt(r.URL.Query().Get("before"), 10, 64)
	limit, err := strconv.Atoi(r.URL.Query().Get("limit"))
	if err != nil || limit <= 0 || limit > 500 {
		limit = 50
	}
	page := eventPage{Events: []*store.Event{}}
	err = rest.Store.View(r.Context(), func(tx *store.Tx) error {
		evs, err := tx.Events(r.Context(), before, limit)
		if len(evs) > 0 {
			page.Events = evs
		}
		return err
	})
	if n := len(page.Events); n == limit {
		page.Next = "/api/v1/events?limit=" + strconv.Itoa(limit) + "&before=" + strconv.FormatInt(page.Events[n-1].ID, 10)
	}
	return http.StatusOK, page, err
}

// route is one REST route: a ServeMux pattern and its handler.
type route struct {
	pattern string
	write   bool
	h       handler
}

// routes lists the REST API, zinc's paths included.
func (rest *Rest) routes() []route {
	member := func(remove bool) handler {
		return func(r *http.Request, who *store.Token) (int, any, error) { return rest.changeMember(r, who, remove) }
	}
	return append([]route{
		{"GET /api/v1/ips", false, rest.listIPs},
		{"POST /api/v1/ips", true, rest.createIP},
		{"GET /api/v1/ips/{address}", false, rest.getIP},
		{"PATCH /api/v1/ips/{address}", true, rest.patchIP},
		{"DELETE /api/v1/ips/{address}", true, rest.deleteIP},
		{"GET /api/v1/policies", false, rest.listPolicies},
		{"POST /api/v1/policies", true, rest.createPolicy},
		{"GET /api/v1/policies/{id}", false, rest.getPolicy},
		{"PATCH /api/v1/policies/{id}", true, rest.patchPolicy},
		{"DELETE /api/v1/policies/{id}", true, rest.deletePolicy},
		{"POST /api/v1/policies/{id}/members", true, rest.addMember},
		{"PATCH /api/v1/policies/{id}/members/{member_id}", true, member(false)},
		{"DELETE /api/v1/policies/{id}/members/{member_id}", true, member(true)},
		{"GET /api/v1/zones", false, rest.listZones},
		{"POST /api/v1/zones", true, rest.createZone},
		{"GET /api/v1/zones/{id}", false, rest.getZone},
		{"DELETE /api/v1/zones/{id}", true, rest.deleteZone},
		{"GET /api/v1/zones/{id}/records", false, rest.listRecords},
		{"POST /api/v1/zones/{id}/records", true, rest.createRecord},
		{"GET /api/v1/zones/{id}/records/{record_id}", false, rest.getRecord},
		{"PATCH /api/v1/zones/{id}/records/{record_id}", true, rest.patchRecord},
		{"DELETE /api/v1/zones/{id}/records/{record_id}", true, rest.deleteRecord},
		{"GET /api/v1/events", false, rest.listEvents},
	}, rest.zincRoutes()...)
}

// Routes mounts the REST API and its description on mux. Reads need a
// token; writes need one that is not read-only.
func (rest *Rest) Routes(mux *http.ServeMux) {
	for _, rt := range rest.routes() {
		mux.Handle(rt.pattern, rest.serve(rt.write, rt.h))
	}
	mux.HandleFunc("GET /_health", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	mux.HandleFunc("GET /api/v1/openapi.json", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(openAPI)
	})
}

// Patterns lists every route the REST API serves, as "METHOD /path", for
// checking them against its description.
func Patterns() []string {
	var out []string
	for _, rt := range (&Rest{}).routes() {
		out = append(out, rt.pattern)
	}
	return append(out, "GET /_health", "GET /api/v1/openapi.json")
}

// openAPI describes every route (OpenAPI 3).
//
//go:embed openapi.json
var openAPI []byte

// OpenAPI returns the REST API's OpenAPI 3 description.
func OpenAPI() []byte { return openAPI }
