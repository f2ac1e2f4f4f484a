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
	// expanded counts the nodes copied in by aliases, which a few lines of
	// YAML can make exponential ("billion laughs").
	expanded  int
	inAlias   int
	exhausted bool
}

// maxExpanded bounds the nodes aliases may copy in: far more than sharing
// pools between records needs, far less than exhausts memory.
const maxExpanded = 1_000_000

func (c *converter) convert(n *yaml.Node) *model.Data {
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		c.inAlias++
		defer func() { c.inAlias-- }()
		for n.Kind == yaml.AliasNode && n.Alias != nil {
			n = n.Alias
		}
	}
	if c.inAlias > 0 {
		if c.expanded++; c.expanded > maxExpanded {
			if !c.exhausted {
				c.exhausted = true
				c.probs = append(c.probs, model.Problem{Line: n.Line,
					Reason: fmt.Sprintf("aliases expand to more than %d nodes", maxExpanded)})
			}
			return &model.Data{Line: n.Line}
		}
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
				c.probs = append(c.probs, duplicateKey(k.Line, k.Value, first))
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
		return scalar(n.Line, n.Value, scalarKind(n))
	}
	return d
}

// scalar is a scalar node: null's text is empty, a bool's lower case.
func scalar(line int, text string, kind model.Kind) *model.Data {
	d := &model.Data{}
	setScalar(d, line, text, kind)
	return d
}

func setScalar(d *model.Data, line int, text string, kind model.Kind) {
	d.Kind, d.Line, d.Text = kind, line, text
	switch kind {
	case model.KindNull:
		d.Text = ""
	case model.KindBool:
		d.Text = strings.ToLower(text)
	}
}

// scalar is a scalar the fast reader read: quoted ones are strings, plain
// ones typed as yaml.v3's own resolver types them.
func (r *fastReader) scalar(line int, text string, isQuoted bool) *model.Data {
	d := r.node(0, line)
	kind := model.KindString
	if !isQuoted {
		kind = plainKind(text)
	}
	setScalar(d, line, text, kind)
	return d
}

// plainKind is yaml.v3's type for a plain scalar, without its resolver for
// the common cases it would call a string: a first character that starts
// no other type, or a digit string with two dots (an IPv4 address: not a
// number, and no timestamp has two dots).
//
// It also answers two cases yaml.v3 would resolve the long way round: a
// first letter of yYnNtTfFoO, for which yaml.v3 only looks the whole
// scalar up among its spellings of true, false and null; and a string of
// up to 18 digits without a leading zero, which is an int (a leading zero
// makes it octal or, failing that, a float), and one that starts with a
// digit and has a colon but no dash (IPv6 addresses), which is a string.
func plainKind(text string) model.Kind {
	if text == "" {
		return scalarKind(&yaml.Node{Kind: yaml.ScalarNode, Value: text})
	}
	switch c := text[0]; {
	case strings.IndexByte("yYnNtTfFoO", c) >= 0:
		switch text {
		case "true", "True", "TRUE", "false", "False", "FALSE":
			return model.KindBool
		case "null", "Null", "NULL":
			return model.KindNull
		}
		return model.KindString
	case !strings.ContainsRune("+-0123456789~<.", rune(c)):
		return model.KindString
	case c >= '1' && c <= '9' && len(text) <= 18 && allDigits(text), text == "0":
		return model.KindInt
	case c >= '0' && c <= '9' && strings.IndexByte(text, ':') >= 0 && strings.IndexByte(text, '-') < 0:
		return model.KindString // an IPv6 address; no number or timestamp has a colon but no dash
	case c >= '0' && c <= '9' && strings.Count(text, ".") >= 2:
		return model.KindString
	}
	return scalarKind(&yaml.Node{Kind: yaml.ScalarNode, Value: text})
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
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
