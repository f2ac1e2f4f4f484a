package server

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/signpost-dns/signpost/internal/health"
)

// QueryHealth is the health `query` explains with: from a running node,
// from probes run now, or assumed.
type QueryHealth struct {
	Source string
	up     []bool
	why    []string
}

// Up implements engine.Health.
func (q *QueryHealth) Up(id int) bool { return q.up[id] }

// Explain implements engine.HealthExplainer.
func (q *QueryHealth) Explain(id int) string { return q.why[id] }

func assumedHealth(n int, source string) *QueryHealth {
	q := &QueryHealth{Source: source, up: make([]bool, n), why: make([]string, n)}
	for i := range q.up {
		q.up[i] = true
	}
	return q
}

// HealthFor returns the health to explain st's answers with: probed now
// (probe), read from a running node's /api/v1/health at url (default: the
// configured http.listen), or assumed up when url is "off" or no node
// answers.
func HealthFor(ctx context.Context, st *State, url string, probe bool) *QueryHealth {
	n := len(st.Table.Targets())
	switch {
	case n == 0:
		return assumedHealth(0, "no value is health-checked")
	case probe:
		return probeNow(ctx, st)
	case url == "off":
		return assumedHealth(n, "not consulted (--health off); obey values counted healthy")
	}
	if url == "" {
		if st.Config.HTTP.Listen == "" {
			return assumedHealth(n, "unknown (http.listen is off); obey values counted healthy; use --probe")
		}
		url = "http://" + st.Config.HTTP.Listen + "/api/v1/health"
	}
	q, err := liveHealth(ctx, st, url)
	if err != nil {
		return assumedHealth(n, fmt.Sprintf("unknown (no running signpost: %v); obey values counted healthy; use --probe", err))
	}
	return q
}

// liveHealth asks a running node for its health at url.
func liveHealth(ctx context.Context, st *State, url string) (*QueryHealth, error) {
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
	targets := st.Table.Targets()
	q := assumedHealth(len(targets), "live from "+url)
	for i, tg := range targets {
		if tg.Key == "" {
			continue
		}
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
func probeNow(ctx context.Context, st *State) *QueryHealth {
	targets := st.Table.Targets()
	q := assumedHealth(len(targets), "probed just now")
	p := health.NewProber()
	var wg sync.WaitGroup
	for i, tg := range targets {
		if tg.Key == "" {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			pctx, cancel := context.WithTimeout(ctx, tg.Check.Timeout)
			defer cancel()
			detail, err := p.Probe(pctx, &tg)
			desc := health.Describe(tg.Address, tg.Check)
			if err != nil {
				q.up[i], q.why[i] = false, desc+": "+err.Error()
				return
			}
			q.why[i] = desc + ": " + detail
		}()
	}
	wg.Wait()
	return q
}
