package agent

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// report is one agent's view, published as a TXT value beside the record:
// "signpost-agent addr=A dead=B,C at=UNIX_MILLISECONDS" (intervals can
// be well under a second).
type report struct {
	addr string
	dead []string
	at   time.Time
}

func (r report) text() string {
	return fmt.Sprintf(`"signpost-agent addr=%s dead=%s at=%d"`, r.addr, strings.Join(r.dead, ","), r.at.UnixMilli())
}

// parseReport reads a TXT value; ok is false for anything else.
func parseReport(v string) (report, bool) {
	v = strings.Trim(v, `"`)
	f := strings.Fields(v)
	if len(f) != 4 || f[0] != "signpost-agent" {
		return report{}, false
	}
	var r report
	for _, kv := range f[1:] {
		k, val, _ := strings.Cut(kv, "=")
		switch k {
		case "addr":
			r.addr = val
		case "dead":
			if val != "" {
				r.dead = strings.Split(val, ",")
			}
		case "at":
			n, err := strconv.ParseInt(val, 10, 64)
			if err != nil {
				return report{}, false
			}
			r.at = time.UnixMilli(n)
		}
	}
	return r, r.addr != ""
}

// reportName is where the agents of a record publish their reports.
func (a *Agent) reportName() string { return "_signpost-agent." + a.cfg.Record }

// vote publishes this agent's report (dropping reports of agents gone
// for 10 intervals) and returns the dead peers a strict majority of the
// fresh reports (younger than 3 intervals, this one included) agree on.
func (a *Agent) vote(ctx context.Context, dead []string) ([]string, error) {
	cur, err := a.sets.ReadSet(ctx, a.reportName(), "TXT")
	if err != nil {
		return nil, err
	}
	now := a.now()
	interval := time.Duration(a.cfg.Interval)
	mine := report{addr: a.cfg.Self.Address, dead: dead, at: now.Truncate(time.Millisecond)}
	reports := []report{mine}
	next := Set{Name: a.reportName(), // the record is lower case already
		Type: "TXT", TTL: a.cfg.TTL, Values: []string{mine.text()}}
	for _, v := range setValues(cur) {
		r, ok := parseReport(v)
		if !ok || r.addr == mine.addr || now.Sub(r.at) > 10*interval {
			continue // replaced, or stale: cleaned up
		}
		next.Values = append(next.Values, v)
		reports = append(reports, r)
	}
	slices.Sort(next.Values)
	if err := a.swap(ctx, cur, &next); err != nil {
		return nil, err
	}
	var fresh []report
	for _, r := range reports {
		if now.Sub(r.at) < 3*interval {
			fresh = append(fresh, r)
		}
	}
	var agreed []string
	for _, d := range dead {
		var voters []string
		for _, r := range fresh {
			if slices.Contains(r.dead, d) {
				voters = append(voters, r.addr)
			}
		}
		majority := 2*len(voters) > len(fresh)
		a.log.Info("quorum", "peer", d, "dead_by", voters, "fresh_reports", len(fresh), "remove", majority)
		if majority {
			agreed = append(agreed, d)
		}
	}
	return agreed, nil
}
