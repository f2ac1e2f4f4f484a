package api

import (
	"net/http"

	"github.com/signpost-dns/signpost/internal/model"
	"github.com/signpost-dns/signpost/internal/store"
)

// zinc's clients keep working: the same resources at zinc's own paths, in
// zinc's shapes (README §5 of the zinc reference), with Basic auth whose
// password is a token. POST creates and never overwrites.

type zincMember struct {
	ID      string `json:"id"`
	Region  string `json:"region"`
	IP      string `json:"ip"`
	Weight  int    `json:"weight"`
	Enabled bool   `json:"enabled"` // member and IP enabled
}

type zincPolicy struct {
	ID      string       `json:"id"`
	Name    string       `json:"name"`
	Members []zincMember `json:"members"`
	URL     string       `json:"url"`
}

type zincZone struct {
	Root         string       `json:"root"`
	URL          string       `json:"url"`
	ID           string       `json:"id"`
	Route53ID    *string      `json:"route53_id"`
	Dirty        bool         `json:"dirty"`
	NSPropagated bool         `json:"ns_propagated"`
	RecordsURL   string       `json:"records_url,omitempty"`
	Records      []zincRecord `json:"records,omitempty"`
}

type zincRecord struct {
	recordJSON
	URL string `json:"url"`
}

func toZincZone(z zoneJSON, detail bool) zincZone {
	out := zincZone{Root: z.Root, URL: "/zones/" + z.ID, ID: z.ID, NSPropagated: true, Dirty: z.Dirty}
	if detail {
		out.RecordsURL = out.URL + "/records"
		out.Records = []zincRecord{}
		for _, r := range z.Records {
			out.Records = append(out.Records, toZincRecord(z.ID, r))
		}
	}
	return out
}

func toZincRecord(zoneID string, r recordJSON) zincRecord {
	return zincRecord{recordJSON: r, URL: "/zones/" + zoneID + "/records/" + r.ID}
}

// zinc adapts a native handler's result to zinc's shape.
func zinc(h handler, conv func(r *http.Request, body any) any) handler {
	return func(r *http.Request, who *store.Token) (int, any, error) {
		status, body, err := h(r, who)
		if err != nil || body == nil {
			return status, body, err
		}
		return status, conv(r, body), nil
	}
}

func (rest *Rest) zincPolicies(r *http.Request, who *store.Token) (int, any, error) {
	var ps []*model.Policy
	var ips []*model.IP
	err := rest.Store.View(r.Context(), func(tx *store.Tx) (err error) {
		if ps, err = tx.Policies(r.Context()); err != nil {
			return err
		}
		ips, err = tx.IPs(r.Context())
		return err
	})
	byAddr := model.IPsByAddress(ips)
	id := r.PathValue("id")
	out := []zincPolicy{}
	for _, p := range ps {
		if id != "" && p.ID != id {
			continue
		}
		zp := zincPolicy{ID: p.ID, Name: p.Name, Members: []zincMember{}, URL: "/policies/" + p.ID}
		for _, m := range p.Members {
			ip := byAddr[m.IP]
			zp.Members = append(zp.Members, zincMember{ID: m.ID, Region: m.Region, IP: m.IP.String(), Weight: m.Weight, Enabled: m.Enabled && ip != nil && ip.Enabled})
		}
		if id != "" {
			return http.StatusOK, zp, err
		}
		out = append(out, zp)
	}
	if id != "" && err == nil {
		return 0, nil, notFound("Policy")
	}
	return http.StatusOK, out, err
}

// zincRoutes lists zinc's paths.
func (rest *Rest) zincRoutes() []route {
	zoneList := func(_ *http.Request, body any) any {
		out := []zincZone{}
		for _, z := range body.([]zoneJSON) {
			if z.Source == "store" {
				out = append(out, toZincZone(z, false))
			}
		}
		return out
	}
	zone := func(_ *http.Request, body any) any { return toZincZone(body.(zoneJSON), true) }
	record := func(r *http.Request, body any) any { return toZincRecord(r.PathValue("id"), body.(recordJSON)) }
	records := func(r *http.Request, body any) any {
		out := []zincRecord{}
		for _, rec := range body.([]recordJSON) {
			out = append(out, toZincRecord(r.PathValue("id"), rec))
		}
		return out
	}
	return []route{
		{"GET /policies", false, rest.zincPolicies},
		{"GET /policies/{id}", false, rest.zincPolicies},
		{"GET /zones", false, zinc(rest.listZones, zoneList)},
		{"POST /zones", true, zinc(rest.createZone, func(_ *http.Request, body any) any { return toZincZone(body.(zoneJSON), false) })},
		{"GET /zones/{id}", false, zinc(rest.getZone, zone)},
		{"DELETE /zones/{id}", true, rest.deleteZone},
		{"GET /zones/{id}/records", false, zinc(rest.listRecords, records)},
		{"POST /zones/{id}/records", true, zinc(rest.createRecord, record)},
		{"GET /zones/{id}/records/{record_id}", false, zinc(rest.getRecord, record)},
		{"PATCH /zones/{id}/records/{record_id}", true, zinc(rest.patchRecord, record)},
		{"DELETE /zones/{id}/records/{record_id}", true, rest.deleteRecord},
	}
}
