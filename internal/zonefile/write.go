package zonefile

import (
	"fmt"

	"go.yaml.in/yaml/v3"

	"github.com/signpost-dns/signpost/internal/model"
)

// Format renders a zone as an octoDNS YamlProvider file, keys sorted as
// octoDNS writes them.
func Format(z *model.Zone) ([]byte, error) {
	doc := map[string]any{}
	for _, r := range z.Records {
		rec := recordData(r)
		switch prev := doc[r.Name].(type) {
		case nil:
			doc[r.Name] = rec
		case []any:
			doc[r.Name] = append(prev, rec)
		default:
			doc[r.Name] = []any{prev, rec}
		}
	}
	out, err := yaml.Marshal(doc)
	if err != nil {
		return nil, fmt.Errorf("formatting zone %s: %w", z.Name, err)
	}
	return append([]byte("---\n"), out...), nil
}

func recordData(r *model.Record) map[string]any {
	m := map[string]any{"type": r.Type, "ttl": int(r.TTL)}
	vals := make([]any, len(r.Values))
	for i, v := range r.Values {
		vals[i] = model.ValueData(r.Type, v)
	}
	if len(vals) == 1 {
		m["value"] = vals[0]
	} else {
		m["values"] = vals
	}
	if r.Dynamic != nil {
		m["dynamic"] = dynamicData(r)
		if hc := healthcheckData(r); len(hc) > 0 {
			m["octodns"] = map[string]any{"healthcheck": hc}
		}
	}
	return m
}

func dynamicData(r *model.Record) map[string]any {
	pools := map[string]any{}
	for _, p := range r.Dynamic.Pools {
		var values []any
		for _, v := range p.Values {
			pv := map[string]any{"value": model.ValueData(r.Type, v.Value)}
			if v.Weight != 1 {
				pv["weight"] = int(v.Weight)
			}
			if v.Status != model.StatusObey {
				pv["status"] = v.Status.String()
			}
			values = append(values, pv)
		}
		pool := map[string]any{"values": values}
		if p.Fallback != "" {
			pool["fallback"] = p.Fallback
		}
		pools[p.Name] = pool
	}
	var rules []any
	for _, ru := range r.Dynamic.Rules {
		rule := map[string]any{"pool": ru.Pool}
		if len(ru.Geos) > 0 {
			geos := make([]string, len(ru.Geos))
			for i, g := range ru.Geos {
				geos[i] = g.String()
			}
			rule["geos"] = geos
		}
		if len(ru.Subnets) > 0 {
			subnets := make([]string, len(ru.Subnets))
			for i, s := range ru.Subnets {
				subnets[i] = s.String()
			}
			rule["subnets"] = subnets
		}
		rules = append(rules, rule)
	}
	return map[string]any{"pools": pools, "rules": rules}
}

// healthcheckData returns the octodns.healthcheck keys that differ from
// octoDNS's defaults.
func healthcheckData(r *model.Record) map[string]any {
	hc, def := r.Healthcheck(), model.DefaultHealthcheck()
	out := map[string]any{}
	if hc.Protocol != "" && hc.Protocol != def.Protocol {
		out["protocol"] = hc.Protocol
	}
	if hc.Port != 0 && hc.Port != def.Port {
		out["port"] = int(hc.Port)
	}
	if hc.Path != "" && hc.Path != def.Path && hc.Protocol != "TCP" {
		out["path"] = hc.Path
	}
	if hc.Host != "" {
		out["host"] = hc.Host
	}
	return out
}
