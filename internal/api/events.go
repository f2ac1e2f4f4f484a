package api

import (
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

// Routes mounts the REST API on mux. Reads need a token; writes need one
// that is not read-only.
func (rest *Rest) Routes(mux *http.ServeMux) {
	read := func(h handler) http.HandlerFunc { return rest.serve(false, h) }
	write := func(h handler) http.HandlerFunc { return rest.serve(true, h) }
	mux.Handle("GET /api/v1/ips", read(rest.listIPs))
	mux.Handle("POST /api/v1/ips", write(rest.createIP))
	mux.Handle("GET /api/v1/ips/{address}", read(rest.getIP))
	mux.Handle("PATCH /api/v1/ips/{address}", write(rest.patchIP))
	mux.Handle("DELETE /api/v1/ips/{address}", write(rest.deleteIP))
	mux.Handle("GET /api/v1/policies", read(rest.listPolicies))
	mux.Handle("POST /api/v1/policies", write(rest.createPolicy))
	mux.Handle("GET /api/v1/policies/{id}", read(rest.getPolicy))
	mux.Handle("PATCH /api/v1/policies/{id}", write(rest.patchPolicy))
	mux.Handle("DELETE /api/v1/policies/{id}", write(rest.deletePolicy))
	mux.Handle("POST /api/v1/policies/{id}/members", write(rest.addMember))
	mux.Handle("PATCH /api/v1/policies/{id}/members/{member_id}", write(func(r *http.Request, who *store.Token) (int, any, error) {
		return rest.changeMember(r, who, false)
	}))
	mux.Handle("DELETE /api/v1/policies/{id}/members/{member_id}", write(func(r *http.Request, who *store.Token) (int, any, error) {
		return rest.changeMember(r, who, true)
	}))
	mux.Handle("GET /api/v1/zones", read(rest.listZones))
	mux.Handle("POST /api/v1/zones", write(rest.createZone))
	mux.Handle("GET /api/v1/zones/{id}", read(rest.getZone))
	mux.Handle("DELETE /api/v1/zones/{id}", write(rest.deleteZone))
	mux.Handle("GET /api/v1/zones/{id}/records", read(rest.listRecords))
	mux.Handle("POST /api/v1/zones/{id}/records", write(rest.createRecord))
	mux.Handle("GET /api/v1/zones/{id}/records/{record_id}", read(rest.getRecord))
	mux.Handle("PATCH /api/v1/zones/{id}/records/{record_id}", write(rest.patchRecord))
	mux.Handle("DELETE /api/v1/zones/{id}/records/{record_id}", write(rest.deleteRecord))
	mux.Handle("GET /api/v1/events", read(rest.listEvents))
	rest.zincRoutes(mux)
}
