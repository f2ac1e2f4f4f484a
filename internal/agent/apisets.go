package agent

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// apiSets are the records of a signpost server's store zones, through its
// REST API; a write names the version it read (If-Match).
type apiSets struct {
	base, token string
	c           *http.Client
}

func newAPISets(url, token string) *apiSets {
	return &apiSets{base: strings.TrimSuffix(url, "/"), token: token, c: &http.Client{Timeout: 10 * time.Second}}
}

type apiRecord struct {
	ID      string   `json:"id"`
	Name    string   `json:"name"`
	Type    string   `json:"type"`
	TTL     *uint32  `json:"ttl"`
	Values  []string `json:"values"`
	Version string   `json:"version"`
}

// do sends a request and decodes a 2xx answer into out; it returns the
// status.
func (a *apiSets) do(ctx context.Context, method, path, ifMatch string, body, out any) (int, error) {
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body) // plain data: cannot fail
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, a.base+path, rd)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", "Bearer "+a.token)
	req.Header.Set("Content-Type", "application/json")
	if ifMatch != "" {
		req.Header.Set("If-Match", `"`+ifMatch+`"`)
	}
	resp, err := a.c.Do(req)
	if err != nil {
		return 0, fmt.Errorf("signpost API %s: %w", a.base, err)
	}
	defer resp.Body.Close()
	msg, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode/100 != 2 {
		return resp.StatusCode, fmt.Errorf("signpost API %s %s: HTTP %d: %s", method, path, resp.StatusCode, strings.TrimSpace(string(msg)))
	}
	if out != nil && len(msg) > 0 {
		return resp.StatusCode, json.Unmarshal(msg, out)
	}
	return resp.StatusCode, nil
}

// ZoneOf returns the store zone holding name: the longest root it ends in.
func (a *apiSets) ZoneOf(ctx context.Context, name string) (string, error) {
	id, root, err := a.zone(ctx, name)
	if err == nil && id == "" {
		err = fmt.Errorf("signpost API %s: no store zone holds %s", a.base, name)
	}
	return root, err
}

func (a *apiSets) zone(ctx context.Context, name string) (id, root string, err error) {
	var zones []struct {
		ID, Root, Source string
	}
	if _, err := a.do(ctx, http.MethodGet, "/api/v1/zones", "", nil, &zones); err != nil {
		return "", "", err
	}
	for _, z := range zones {
		if z.Source == "store" && (name == z.Root || strings.HasSuffix(name, "."+z.Root)) && len(z.Root) > len(root) {
			id, root = z.ID, z.Root
		}
	}
	return id, root, nil
}

// record finds name and typ in its zone: the zone's id, the name relative
// to it, and the record (nil when absent).
func (a *apiSets) record(ctx context.Context, name, typ string) (zoneID, rel string, rec *apiRecord, err error) {
	zoneID, root, err := a.zone(ctx, name)
	if err != nil || zoneID == "" {
		return "", "", nil, fmt.Errorf("signpost API %s: no store zone holds %s: %w", a.base, name, err)
	}
	rel = "@"
	if name != root {
		rel = strings.TrimSuffix(name, "."+root)
	}
	var recs []apiRecord
	if _, err := a.do(ctx, http.MethodGet, "/api/v1/zones/"+zoneID+"/records", "", nil, &recs); err != nil {
		return "", "", nil, err
	}
	for i := range recs {
		if recs[i].Name == rel && recs[i].Type == typ {
			return zoneID, rel, &recs[i], nil
		}
	}
	return zoneID, rel, nil, nil
}

// ReadSet implements Sets.
func (a *apiSets) ReadSet(ctx context.Context, name, typ string) (*Set, error) {
	_, _, rec, err := a.record(ctx, name, typ)
	if rec == nil || err != nil {
		return nil, err
	}
	s := &Set{Name: name, Type: typ, Values: rec.Values, Version: rec.ID + " " + rec.Version}
	if rec.TTL != nil {
		s.TTL = *rec.TTL
	}
	return s, nil
}

// SwapSet implements Sets: a POST for a new set (refused if one exists),
// or a PATCH or DELETE with If-Match the version read.
func (a *apiSets) SwapSet(ctx context.Context, _ string, old, next *Set) error {
	s := next
	if s == nil {
		s = old
	}
	zoneID, rel, _, err := a.record(ctx, s.Name, s.Type)
	if err != nil {
		return err
	}
	records := "/api/v1/zones/" + zoneID + "/records"
	var status int
	switch {
	case old == nil:
		status, err = a.do(ctx, http.MethodPost, records, "", map[string]any{"name": rel, "type": next.Type, "ttl": next.TTL, "values": next.Values}, nil)
	default:
		id, ver, _ := strings.Cut(old.Version, " ")
		if next == nil {
			status, err = a.do(ctx, http.MethodDelete, records+"/"+id, ver, nil, nil)
		} else {
			status, err = a.do(ctx, http.MethodPatch, records+"/"+id, ver, map[string]any{"ttl": next.TTL, "values": next.Values}, nil)
		}
	}
	switch status {
	case http.StatusPreconditionFailed, http.StatusNotFound, http.StatusConflict:
		return fmt.Errorf("%w: %w", ErrConflict, err)
	case http.StatusBadRequest:
		if err != nil && strings.Contains(err.Error(), "already exists") {
			return fmt.Errorf("%w: %w", ErrConflict, err)
		}
	}
	return err
}
