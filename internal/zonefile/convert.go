package zonefile

import (
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/signpost-dns/signpost/internal/model"
)

// converter turns YAML nodes into model.Data trees, keeping lines and the
// scalar types YAML resolved, and noting what YAML itself lets through but
// a zone file must not have: duplicate keys.
type converter struct {
	probs []model.Problem
}

func (c *converter) convert(n *yaml.Node) *model.Data {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		return c.convert(n.Content[0])
	}
	d := &model.Data{Line: n.Line}
	switch n.Kind {
	case yaml.MappingNode:
		d.Kind = model.KindMap
		seen := map[string]int{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			if first, dup := seen[k.Value]; dup {
				c.probs = append(c.probs, model.Problem{Line: k.Line,
					Reason: fmt.Sprintf("duplicate key %q (first at line %d)", k.Value, first)})
				continue
			}
			seen[k.Value] = k.Line
			d.Keys = append(d.Keys, k.Value)
			d.Values = append(d.Values, c.convert(n.Content[i+1]))
		}
	case yaml.SequenceNode:
		d.Kind = model.KindList
		for _, e := range n.Content {
			d.Items = append(d.Items, c.convert(e))
		}
	default:
		d.Kind = scalarKind(n)
		d.Text = n.Value
		switch d.Kind {
		case model.KindNull:
			d.Text = ""
		case model.KindBool:
			d.Text = strings.ToLower(n.Value)
		}
	}
	return d
}

func scalarKind(n *yaml.Node) model.Kind {
	switch n.ShortTag() {
	case "!!null":
		return model.KindNull
	case "!!int":
		return model.KindInt
	case "!!float":
		return model.KindFloat
	case "!!bool":
		return model.KindBool
	}
	return model.KindString
}
