package zonefile

import (
	"errors"
	"fmt"
	"strings"
	"unsafe"

	"github.com/signpost-dns/signpost/internal/model"
)

// The fast reader reads the subset of YAML that zone files are written in —
// block mappings and sequences, one-line flow collections, plain and quoted
// one-line scalars, comments — straight into model.Data: 3-4 times faster
// than yaml.v3 and the converter, with a sixth of the allocations
// (BenchmarkReadYAML), and far less garbage for the collector to chase
// through a large load. Anything outside the subset
// (anchors, tags, block or multi-line scalars, tabs, non-ASCII bytes, and
// every syntax error) makes it give up, and the file is read by yaml.v3
// instead; FuzzFastReader checks that whatever it accepts, it reads exactly
// as yaml.v3 and the converter do.

// errSlow says the input is outside the fast subset.
var errSlow = errors.New("outside the fast YAML subset")

type fastLine struct {
	no, indent int
	text       string // after the indentation; never empty, never a comment
}

type fastReader struct {
	lines []fastLine
	i     int
	probs []model.Problem
	slab  []model.Data // nodes are cut from it, a few hundred at a time
	// A collection's entries gather on these stacks while it is read (the
	// entries of collections nested in it above them, and gone again once
	// those are read), then move to slices of their exact size cut from
	// shared blocks: growing three slices per mapping was a fifth of the
	// reader's time.
	keys     []string
	keyLines []int
	vals     []*model.Data
	strSlab  []string
	dataSlab []*model.Data
	depth    int
	// started is set by a leading "---"; another is a second document.
	started bool
}

// maxDepth bounds the fast reader's nesting; deeper documents are left to
// yaml.v3, which refuses nesting past 10,000.
const maxDepth = 100

func (r *fastReader) enter() error {
	if r.depth++; r.depth > maxDepth {
		return errSlow
	}
	return nil
}

// node returns a new zeroed node. A file's nodes become garbage together,
// so carving them from shared blocks costs no memory and saves most of the
// allocations.
func (r *fastReader) node(kind model.Kind, line int) *model.Data {
	if len(r.slab) == 0 {
		r.slab = make([]model.Data, 256)
	}
	d := &r.slab[0]
	r.slab = r.slab[1:]
	d.Kind, d.Line = kind, line
	return d
}

// readFast reads src; ok is false when src is outside the subset.
func readFast(src []byte) (d *model.Data, probs []model.Problem, ok bool) {
	r := &fastReader{}
	if !r.split(src) || len(r.lines) == 0 {
		return nil, nil, false
	}
	d, err := r.block(r.lines[0].indent)
	if err != nil || r.i != len(r.lines) || d.Kind != model.KindMap {
		return nil, nil, false
	}
	return d, r.probs, true
}

// split cuts src into significant lines, refusing bytes the subset leaves
// to yaml.v3: tabs, carriage returns, control and non-ASCII bytes.
func (r *fastReader) split(b []byte) bool {
	// No copy: every line and scalar slices b, and Parse copies out what
	// a zone keeps (detach.go).
	src := unsafe.String(unsafe.SliceData(b), len(b))
	r.lines = make([]fastLine, 0, len(src)/24)
	no, start := 1, 0
	for i := 0; i <= len(src); i++ {
		if i < len(src) {
			c := src[i]
			if c >= 0x20 && c < 0x7f {
				continue
			}
			if c != '\n' {
				return false
			}
		}
		if !r.addLine(no, src[start:i]) {
			return false
		}
		no, start = no+1, i+1
	}
	return true
}

func (r *fastReader) addLine(no int, s string) bool {
	indent := 0
	for indent < len(s) && s[indent] == ' ' {
		indent++
	}
	text := strings.TrimRight(s[indent:], " ")
	if text == "" || text[0] == '#' {
		return true
	}
	if indent == 0 && (strings.HasPrefix(text, "---") || strings.HasPrefix(text, "...") || text[0] == '%') {
		if text != "---" || len(r.lines) > 0 || r.started {
			return false // a second document, or a directive
		}
		r.started = true
		return true
	}
	r.lines = append(r.lines, fastLine{no: no, indent: indent, text: text})
	return true
}

// block reads the block node at the current line, indented by indent.
func (r *fastReader) block(indent int) (*model.Data, error) {
	if err := r.enter(); err != nil {
		return nil, err
	}
	defer func() { r.depth-- }()
	if isEntry(r.lines[r.i].text) {
		return r.sequence(indent)
	}
	return r.mapping(indent)
}

func isEntry(text string) bool { return text == "-" || strings.HasPrefix(text, "- ") }

func (r *fastReader) mapping(indent int) (*model.Data, error) {
	d := r.node(model.KindMap, r.lines[r.i].no)
	e := r.entries()
	for r.i < len(r.lines) {
		l := r.lines[r.i]
		if l.indent < indent {
			break
		}
		if l.indent > indent || isEntry(l.text) {
			return nil, errSlow
		}
		key, rest, ok := splitKey(l.text)
		if !ok {
			return nil, errSlow
		}
		before := len(r.probs)
		v, err := r.value(l, indent, rest, true)
		if err != nil {
			return nil, err
		}
		if first, dup := e.first(key); dup {
			// yaml.v3's converter never looks inside a duplicate's value
			r.probs = append(r.probs[:before], duplicateKey(l.no, key, first))
			continue
		}
		e.add(key, l.no, v)
	}
	e.close(d)
	return d, nil
}

// mapEntries are the entries of the mapping being read: on the reader's
// stacks from kbase and vbase up, and past a few keys also in a map.
type mapEntries struct {
	r            *fastReader
	kbase, vbase int
	seen         map[string]int // key to line; nil below 17 keys, which are scanned
}

func (r *fastReader) entries() *mapEntries {
	return &mapEntries{r: r, kbase: len(r.keys), vbase: len(r.vals)}
}

// first returns the line of key's first entry, if it has one.
func (e *mapEntries) first(key string) (int, bool) {
	return firstLine(e.r.keys[e.kbase:], e.r.keyLines[e.kbase:], e.seen, key)
}

func (e *mapEntries) add(key string, line int, v *model.Data) {
	r := e.r
	r.keys, r.keyLines, r.vals = append(r.keys, key), append(r.keyLines, line), append(r.vals, v)
	if e.seen != nil {
		e.seen[key] = line
	} else if len(r.keys)-e.kbase > 16 {
		e.seen = make(map[string]int, 64)
		for i, k := range r.keys[e.kbase:] {
			e.seen[k] = r.keyLines[e.kbase+i]
		}
	}
}

// close moves the entries off the stacks into d.
func (e *mapEntries) close(d *model.Data) {
	r := e.r
	d.Keys, d.Values = cut(&r.strSlab, r.keys[e.kbase:]), cut(&r.dataSlab, r.vals[e.vbase:])
	r.keys, r.keyLines, r.vals = r.keys[:e.kbase], r.keyLines[:e.kbase], r.vals[:e.vbase]
}

// closeList moves a sequence's items, from vbase up, off the stack into d.
func (r *fastReader) closeList(d *model.Data, vbase int) {
	d.Items = cut(&r.dataSlab, r.vals[vbase:])
	r.vals = r.vals[:vbase]
}

// cut copies src into a slice of its own length cut from *slab; nil when
// src is empty.
func cut[T any](slab *[]T, src []T) []T {
	if len(src) == 0 {
		return nil
	}
	if len(src) > len(*slab) {
		*slab = make([]T, max(512, len(src)))
	}
	out := (*slab)[:len(src):len(src)]
	*slab = (*slab)[len(src):]
	copy(out, src)
	return out
}

// firstLine finds key among the mapping's keys so far.
func firstLine(keys []string, lines []int, seen map[string]int, key string) (int, bool) {
	if seen != nil {
		line, ok := seen[key]
		return line, ok
	}
	for i, k := range keys {
		if k == key {
			return lines[i], true
		}
	}
	return 0, false
}

func (r *fastReader) sequence(indent int) (*model.Data, error) {
	d := r.node(model.KindList, r.lines[r.i].no)
	vbase := len(r.vals)
	for r.i < len(r.lines) {
		l := r.lines[r.i]
		if l.indent < indent || (l.indent == indent && !isEntry(l.text)) {
			break
		}
		if l.indent > indent {
			return nil, errSlow
		}
		rest := strings.TrimLeft(l.text[1:], " ")
		if isEntry(rest) {
			return nil, errSlow // a compact nested sequence
		}
		if _, _, ok := splitKey(rest); ok {
			col := l.indent + len(l.text) - len(rest)
			r.lines[r.i] = fastLine{no: l.no, indent: col, text: rest}
			m, err := r.mapping(col)
			if err != nil {
				return nil, err
			}
			r.vals = append(r.vals, m)
			continue
		}
		v, err := r.value(l, indent, rest, false)
		if err != nil {
			return nil, err
		}
		r.vals = append(r.vals, v)
	}
	r.closeList(d, vbase)
	return d, nil
}

// value reads what follows a key or an entry's dash on line l (rest), or,
// when rest is empty, the block below it. In a mapping, a sequence may sit
// at the mapping's own indentation.
func (r *fastReader) value(l fastLine, indent int, rest string, inMap bool) (*model.Data, error) {
	r.i++
	if rest == "" || rest[0] == '#' {
		if r.i < len(r.lines) {
			next := r.lines[r.i]
			if next.indent > indent || (inMap && next.indent == indent && isEntry(next.text)) {
				return r.block(next.indent)
			}
		}
		return r.scalar(l.no, "", false), nil
	}
	if r.i < len(r.lines) && r.lines[r.i].indent > indent {
		return nil, errSlow // a multi-line scalar, or an error
	}
	f := flow{s: rest, line: l.no, r: r}
	v, err := f.node(false)
	if err != nil {
		return nil, err
	}
	if f.skipSpace(); f.pos < len(f.s) && !f.comment() {
		return nil, errSlow
	}
	return v, nil
}

// splitKey splits "key: rest" into its parts; ok is false when text is
// not a mapping entry the subset reads.
func splitKey(text string) (key, rest string, ok bool) {
	if text == "" {
		return "", "", false
	}
	var end int
	switch text[0] {
	case '\'', '"':
		q, n, err := quoted(text)
		if err != nil {
			return "", "", false
		}
		key, end = q, n
		if end >= len(text) || text[end] != ':' {
			return "", "", false
		}
	default:
		end = keyEnd(text)
		if end <= 0 || !plainStart(text) {
			return "", "", false
		}
		key = strings.TrimRight(text[:end], " ")
		if strings.Contains(key, " #") {
			return "", "", false
		}
	}
	rest = text[end+1:]
	if end > maxKey || (rest != "" && rest[0] != ' ') {
		return "", "", false
	}
	return key, strings.TrimLeft(rest, " "), true
}

// maxKey is a safe bound under YAML's limit of 1024 characters for an
// implicit key.
const maxKey = 1000

// keyEnd returns the index of the colon ending a plain key: the first ':'
// followed by a space or the end of the line; -1 when there is none.
func keyEnd(text string) int {
	for i := 0; i < len(text); i++ {
		if text[i] == ':' && (i+1 == len(text) || text[i+1] == ' ') {
			return i
		}
	}
	return -1
}

// plainStart reports whether text may begin a plain scalar in the subset.
func plainStart(text string) bool {
	if text == "" {
		return false
	}
	switch text[0] {
	case '-', '?', ':':
		return len(text) > 1 && text[1] != ' ' && text[0] == '-'
	case ',', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', '\'', '"', '%', '@', '`':
		return false
	}
	return true
}

func duplicateKey(line int, key string, first int) model.Problem {
	return model.Problem{Line: line, Reason: fmt.Sprintf("duplicate key %q (first at line %d)", key, first)}
}
