package model

import (
	"strconv"
	"strings"
)

// Kind is the shape of a Data node.
type Kind uint8

// The kinds of Data node. Scalars keep their source text; the kind records
// how the source typed them (YAML tags, JSON types).
const (
	KindNull Kind = iota
	KindString
	KindInt
	KindFloat
	KindBool
	KindMap
	KindList
)

// Data is a generic document tree that remembers where each node came from.
// It is the input to ParseRecord, whatever the source format.
type Data struct {
	Kind Kind
	Line int // 1-based source line; 0 when unknown
	Text string

	Keys   []string // KindMap: keys in source order
	Values []*Data  // KindMap: values, parallel to Keys
	Items  []*Data  // KindList
}

// Get returns the value stored under key in a map node.
func (d *Data) Get(key string) (*Data, bool) {
	if d == nil || d.Kind != KindMap {
		return nil, false
	}
	for i, k := range d.Keys {
		if k == key {
			return d.Values[i], true
		}
	}
	return nil, false
}

// Has reports whether a map node has key.
func (d *Data) Has(key string) bool {
	_, ok := d.Get(key)
	return ok
}

// IsScalar reports whether d is a string, number, bool or null.
func (d *Data) IsScalar() bool {
	return d != nil && d.Kind != KindMap && d.Kind != KindList
}

// Empty reports what Python's truthiness would call false: null, "", 0,
// false, or an empty map or list. octoDNS's rules test truthiness often.
func (d *Data) Empty() bool {
	if d == nil {
		return true
	}
	switch d.Kind {
	case KindNull:
		return true
	case KindMap:
		return len(d.Keys) == 0
	case KindList:
		return len(d.Items) == 0
	case KindBool:
		return d.Text == "false"
	case KindInt, KindFloat:
		f, err := strconv.ParseFloat(d.Text, 64)
		return err == nil && f == 0
	}
	return d.Text == ""
}

// Int converts a scalar as Python's int() does for the values octoDNS sees:
// integers, truncated floats, booleans and decimal strings.
func (d *Data) Int() (int64, bool) {
	if d == nil {
		return 0, false
	}
	switch d.Kind {
	case KindInt:
		n, err := strconv.ParseInt(strings.ReplaceAll(d.Text, "_", ""), 0, 64)
		return n, err == nil
	case KindFloat:
		f, err := strconv.ParseFloat(d.Text, 64)
		if err != nil || f != f || f > 9.2e18 || f < -9.2e18 {
			return 0, false
		}
		return int64(f), true
	case KindBool:
		if d.Text == "true" {
			return 1, true
		}
		return 0, true
	case KindString:
		n, err := strconv.ParseInt(strings.TrimSpace(d.Text), 10, 64)
		return n, err == nil
	}
	return 0, false
}

// String renders d the way Python's str() renders the decoded value, which
// is what octoDNS interpolates into its messages.
func (d *Data) String() string {
	if d == nil {
		return "None"
	}
	switch d.Kind {
	case KindNull:
		return "None"
	case KindBool:
		if d.Text == "true" {
			return "True"
		}
		return "False"
	case KindMap:
		parts := make([]string, len(d.Keys))
		for i, k := range d.Keys {
			parts[i] = "'" + k + "': " + d.Values[i].repr()
		}
		return "{" + strings.Join(parts, ", ") + "}"
	case KindList:
		parts := make([]string, len(d.Items))
		for i, it := range d.Items {
			parts[i] = it.repr()
		}
		return "[" + strings.Join(parts, ", ") + "]"
	}
	return d.Text
}

func (d *Data) repr() string {
	if d != nil && d.Kind == KindString {
		return "'" + d.Text + "'"
	}
	return d.String()
}
