package zonefile

import (
	"strconv"
	"strings"

	"github.com/signpost-dns/signpost/internal/model"
)

// flow reads the scalars and one-line flow collections of the fast subset
// from one line.
type flow struct {
	s    string
	pos  int
	line int
	r    *fastReader
}

func (f *flow) skipSpace() {
	for f.pos < len(f.s) && f.s[f.pos] == ' ' {
		f.pos++
	}
}

// comment reports whether a comment starts at pos (after a space).
func (f *flow) comment() bool {
	return f.pos < len(f.s) && f.s[f.pos] == '#' && f.pos > 0 && f.s[f.pos-1] == ' '
}

// node reads one value; inFlow is true inside brackets or braces.
func (f *flow) node(inFlow bool) (*model.Data, error) {
	f.skipSpace()
	if f.pos >= len(f.s) {
		return nil, errSlow
	}
	switch f.s[f.pos] {
	case '[', '{':
		if err := f.r.enter(); err != nil {
			return nil, err
		}
		defer func() { f.r.depth-- }()
		if f.s[f.pos] == '[' {
			return f.list()
		}
		return f.mapping()
	}
	text, isQuoted, err := f.scalar(inFlow)
	if err != nil {
		return nil, err
	}
	return f.r.scalar(f.line, text, isQuoted), nil
}

// scalar reads a quoted or plain scalar's text.
func (f *flow) scalar(inFlow bool) (text string, isQuoted bool, err error) {
	if f.pos < len(f.s) && (f.s[f.pos] == '\'' || f.s[f.pos] == '"') {
		q, n, err := quoted(f.s[f.pos:])
		if err != nil {
			return "", false, err
		}
		f.pos += n
		return q, true, nil
	}
	p, err := f.plain(inFlow)
	return p, false, err
}

// plain reads a plain scalar up to the end of the line, a comment, ": ",
// or in flow context one of ",?[]{}", as yaml.v3's scanner does.
func (f *flow) plain(inFlow bool) (string, error) {
	rest := f.s[f.pos:]
	if !plainStart(rest) {
		return "", errSlow
	}
	end := len(rest)
	for i := 0; i < len(rest); i++ {
		c := rest[i]
		if c == '#' && rest[i-1] == ' ' {
			end = i
			break
		}
		if c == ':' && (i+1 == len(rest) || rest[i+1] == ' ') {
			if !inFlow {
				return "", errSlow // "a: b" is not a value here
			}
			end = i
			break
		}
		if inFlow && strings.IndexByte(",?[]{}", c) >= 0 {
			end = i
			break
		}
	}
	v := strings.TrimRight(rest[:end], " ")
	if v == "" {
		return "", errSlow
	}
	f.pos += len(v)
	return v, nil
}

func (f *flow) list() (*model.Data, error) {
	d := f.r.node(model.KindList, f.line)
	r, vbase := f.r, len(f.r.vals)
	f.pos++ // [
	for {
		f.skipSpace()
		if f.pos < len(f.s) && f.s[f.pos] == ']' && len(r.vals) == vbase {
			f.pos++
			return d, nil
		}
		v, err := f.node(true)
		if err != nil {
			return nil, err
		}
		r.vals = append(r.vals, v)
		if done, err := f.separator(']'); done || err != nil {
			r.closeList(d, vbase)
			return d, err
		}
	}
}

func (f *flow) mapping() (*model.Data, error) {
	d := f.r.node(model.KindMap, f.line)
	e := f.r.entries()
	f.pos++ // {
	for {
		f.skipSpace()
		if f.pos < len(f.s) && f.s[f.pos] == '}' && len(f.r.keys) == e.kbase {
			f.pos++
			return d, nil
		}
		start := f.pos
		key, _, err := f.scalar(true)
		if err != nil || f.pos-start > maxKey {
			return nil, errSlow
		}
		if f.pos+1 >= len(f.s) || f.s[f.pos] != ':' || f.s[f.pos+1] != ' ' {
			return nil, errSlow
		}
		f.pos++
		v, err := f.node(true)
		if err != nil {
			return nil, err
		}
		if _, dup := e.first(key); dup {
			return nil, errSlow // rare: yaml.v3 and the converter report it
		}
		e.add(key, f.line, v)
		if done, err := f.separator('}'); done || err != nil {
			e.close(d)
			return d, err
		}
	}
}

// separator reads ", " or the closing bracket; done is true after the
// closing bracket.
func (f *flow) separator(closing byte) (done bool, err error) {
	f.skipSpace()
	if f.pos >= len(f.s) {
		return false, errSlow
	}
	switch f.s[f.pos] {
	case closing:
		f.pos++
		return true, nil
	case ',':
		f.pos++
		f.skipSpace()
		if f.pos < len(f.s) && (f.s[f.pos] == closing || f.s[f.pos] == ',') {
			return false, errSlow
		}
		return false, nil
	}
	return false, errSlow
}

// quoted reads the one-line quoted scalar s starts with, returning its
// value and the bytes it took.
func quoted(s string) (string, int, error) {
	if s[0] == '\'' {
		var b strings.Builder
		for i := 1; i < len(s); i++ {
			if s[i] != '\'' {
				b.WriteByte(s[i])
				continue
			}
			if i+1 < len(s) && s[i+1] == '\'' {
				b.WriteByte('\'')
				i++
				continue
			}
			return b.String(), i + 1, nil
		}
		return "", 0, errSlow
	}
	for i := 1; i < len(s); i++ {
		switch s[i] {
		case '"':
			v, err := strconv.Unquote(s[:i+1])
			if err != nil {
				return "", 0, errSlow
			}
			return v, i + 1, nil
		case '\\':
			if i+1 >= len(s) || strings.IndexByte(`\"nt`, s[i+1]) < 0 {
				return "", 0, errSlow
			}
			i++
		}
	}
	return "", 0, errSlow
}
