package engine

import (
	"fmt"

	"github.com/signpost-dns/signpost/internal/model"
)

// Trace records why an answer is what it is, for `signpost query`. Callers
// on the answer path test for nil before calling addf, so that a nil trace
// boxes no arguments and costs nothing.
type Trace struct {
	Lines []string
}

func (tr *Trace) addf(format string, args ...any) {
	if tr == nil {
		return
	}
	tr.Lines = append(tr.Lines, fmt.Sprintf(format, args...))
}

func traceValue(tr *Trace, p *pool, v *value, h Health) {
	if tr == nil {
		return
	}
	why := "eligible"
	switch {
	case v.status == model.StatusDown:
		why = "not eligible: status down"
	case v.status == model.StatusUp:
		why = "eligible: status up, never probed"
	case v.target >= 0 && !h.Up(v.target):
		why = "not eligible: health check failing"
	case v.target >= 0:
		why = "eligible: healthy"
	}
	if he, ok := h.(HealthExplainer); ok && v.target >= 0 && v.status == model.StatusObey {
		why += " (" + he.Explain(v.target) + ")"
	}
	tr.addf("pool %s value %s weight %d status %s: %s", p.name, v.text, v.weight, v.status, why)
}
