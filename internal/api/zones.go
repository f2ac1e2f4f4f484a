package api

import (
	"net/http"
	"regexp"
	"slices"
	"strings"

	"github.com/signpost-dns/signpost/internal/model"
	"github.com/signpost-dns/signpost/internal/store"
)

// zoneJSON is a zone as the API returns it; file zones are read-only.
type zoneJSON struct {
	ID      string   `json:"id"`
	Root    string   `json:"root"`
	Source  string   `json:"source"` // "store" or "file"
	Targets []string `json:"targets"`
	Dirty   bool     `json:"dirty"`
	Error   string   `json:"error,omitempty"`
	// NameServers is the delegation the zone's provider assigned.
	NameServers []string     `json:"name_servers,omitempty"`
	Records     []recordJSON `json:"records,omitempty"`
}

func zoneOut(z *store.Zone) zoneJSON {
	return zoneJSON{ID: z.ID, Root: z.Root, Source: "store", Targets: z.Targets, Dirty: z.Dirty, Error: z.Error, NameServers: z.NameServers}
}

type zoneIn struct {
	Root    string   `json:"root"`
	Targets []string `json:"targets"`
}

var domain = regexp.MustCompile(`^([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?\.)+$`)

func (rest *Rest) listZones(r *http.Request, _ *store.Token) (int, any, error) {
	var zones []*store.Zone
	err := rest.Store.View(r.Context(), func(tx *store.Tx) (err error) { zones, err = tx.Zones(r.Context()); return err })
	out := []zoneJSON{}
	for _, z := range zones {
		out = append(out, zoneOut(z))
	}
	for _, name := range rest.view().FileZones {
		out = append(out, zoneJSON{ID: name, Root: name, Source: "file", Targets: []string{}})
	}
	return http.StatusOK, out, err
}

func (rest *Rest) createZone(r *http.Request, who *store.Token) (int, any, error) {
	var in zoneIn
	if err := decode(r, &in); err != nil {
		return 0, nil, err
	}
	root := strings.ToLower(strings.TrimSuffix(in.Root, ".") + ".")
	if !domain.MatchString(root) || len(root) > 254 {
		return 0, nil, badRequest(model.FieldErrors{"root": {"Invalid root domain"}})
	}
	if slices.Contains(rest.view().FileZones, root) {
		return 0, nil, conflict("root", "Zone "+root+" is served from a zone file; a zone lives in one place.")
	}
	z := &store.Zone{Root: root, Targets: in.Targets}
	if z.Targets == nil {
		z.Targets = []string{}
	}
	for _, t := range z.Targets {
		if !slices.Contains(rest.view().Targets, t) {
			return 0, nil, badRequest(model.FieldErrors{"targets": {"No provider named " + t + " is configured."}})
		}
	}
	ev := &store.Event{Kind: "zone.create", Subject: root}
	err := rest.update(r.Context(), who, ev, func(tx *store.Tx) error {
		if err := tx.CreateZone(r.Context(), z); err != nil {
			return err
		}
		ev.After = marshal(z)
		return nil
	})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, zoneOut(z), nil
}

func (rest *Rest) getZone(r *http.Request, _ *store.Token) (int, any, error) {
	var out zoneJSON
	err := rest.Store.View(r.Context(), func(tx *store.Tx) error {
		z, err := tx.Zone(r.Context(), r.PathValue("id"))
		if err != nil {
			return notFoundAs(err, "Zone")
		}
		records, err := tx.Records(r.Context(), z.ID)
		out = zoneOut(z)
		out.Records = []recordJSON{}
		for _, rec := range records {
			out.Records = append(out.Records, recordOut(rec, z.Root))
		}
		return err
	})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, out, nil
}

func (rest *Rest) deleteZone(r *http.Request, who *store.Token) (int, any, error) {
	id := r.PathValue("id")
	ev := &store.Event{Kind: "zone.delete", Subject: id}
	err := rest.update(r.Context(), who, ev, func(tx *store.Tx) error {
		z, err := tx.Zone(r.Context(), id)
		if err != nil {
			return notFoundAs(err, "Zone")
		}
		ev.Subject, ev.Before = z.Root, marshal(z)
		return tx.DeleteZone(r.Context(), id)
	})
	return http.StatusNoContent, nil, err
}
