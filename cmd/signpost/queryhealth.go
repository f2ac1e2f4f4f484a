package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/signpost-dns/signpost/internal/engine"
	"github.com/signpost-dns/signpost/internal/health"
)

// queryHealth is the health `signpost query` explains with: from a running
// server, from probes run now, or assumed.
type queryHealth struct {
	source string
	up     []bool
	why    []string
}

// Up implements engine.Health.
func (q *queryHealth) Up(id int) bool { return q.up[id] }

// Explain implements engine.HealthExplainer.
func (q *queryHealth) Explain(id int) string { return q.why[id] }

func newQueryHealth(n int, source string) *queryHealth {
	q := &queryHealth{source: source, up: make([]bool, n), why: make([]string, n)}
	for i := range q.up {
		q.up[i] = true
	}
	return q
}

// liveHealth asks a running server for its health at url.
func liveHealth(ctx context.Context, t *engine.Table, url string) (*queryHealth, error) {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%s answered %s", url, resp.Status)
	}
	var list []health.TargetStatus
	if err := json.NewDecoder(resp.Body).Decode(&list); err != nil {
		return nil, fmt.Errorf("reading %s: %w", url, err)
	}
	byKey := make(map[string]health.TargetStatus, len(list))
	for _, s := range list {
		byKey[s.Key] = s
	}
	q := newQueryHealth(len(t.Targets()), "live from "+url)
	for i, tg := range t.Targets() {
		s, ok := byKey[tg.Key]
		if !ok {
			q.why[i] = "not probed by the running server yet"
			continue
		}
		q.up[i] = s.Serving
		q.why[i] = fmt.Sprintf("%s since %s", s.State, s.Since.Format(time.RFC3339))
		if s.LastError != "" {
			q.why[i] += ": " + s.LastError
		}
	}
	return q, nil
}

// probeNow probes every target once, concurrently.
func probeNow(ctx context.Context, t *engine.Table) *queryHealth {
	q := newQueryHealth(len(t.Targets()), "probed just now")
	p := health.NewProber()
	var wg sync.WaitGroup
	for i, tg := range t.Targets() {
		wg.Add(1)
		go func() {
			defer wg.Done()
			pctx, cancel := context.WithTimeout(ctx, tg.Check.Timeout)
			defer cancel()
			detail, err := p.Probe(pctx, &health.Target{Key: tg.Key, Address: tg.Value, Check: tg.Check})
			if err != nil {
				q.up[i], q.why[i] = false, health.Describe(tg.Value, tg.Check)+": "+err.Error()
				return
			}
			q.why[i] = health.Describe(tg.Value, tg.Check) + ": " + detail
		}()
	}
	wg.Wait()
	return q
}
