package zonefile

import (
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/signpost-dns/signpost/internal/model"
)

// convert turns a YAML node into a model.Data tree, keeping lines and the
// scalar types YAML resolved.
func convert(n *yaml.Node) *model.Data {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		return convert(n.Content[0])
	}
	d := &model.Data{Line: n.Line}
	switch n.Kind {
	case yaml.MappingNode:
		d.Kind = model.KindMap
		for i := 0; i+1 < len(n.Content); i += 2 {
			d.Keys = append(d.Keys, n.Content[i].Value)
			d.Values = append(d.Values, convert(n.Content[i+1]))
		}
	case yaml.SequenceNode:
		d.Kind = model.KindList
		for _, c := range n.Content {
			d.Items = append(d.Items, convert(c))
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
