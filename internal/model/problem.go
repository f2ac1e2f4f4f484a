package model

import "fmt"

// Problem is one thing wrong with desired state. A warning does not stop a
// load; an error does.
type Problem struct {
	File    string
	Line    int
	Name    string // fqdn, or zone name for zone-level problems
	Type    RRType // record type; "" for zone-level problems
	Reason  string
	Warning bool
}

// String formats the problem as FILE:LINE: <fqdn> <TYPE>: <reason>.
func (p Problem) String() string {
	loc := p.File
	if loc == "" {
		loc = "<input>"
	}
	if p.Line > 0 {
		loc = fmt.Sprintf("%s:%d", loc, p.Line)
	}
	subject := p.Name
	if p.Type != "" {
		subject += " " + string(p.Type)
	}
	line := fmt.Sprintf("%s: %s: %s", loc, subject, p.Reason)
	if p.Warning {
		return "warning: " + line
	}
	return line
}

// Problems is a list of problems.
type Problems []Problem

// Errors returns the problems that are not warnings.
func (ps Problems) Errors() Problems {
	var out Problems
	for _, p := range ps {
		if !p.Warning {
			out = append(out, p)
		}
	}
	return out
}

// Error lets a list of problems be returned as an error.
func (ps Problems) Error() string {
	s := ""
	for i, p := range ps {
		if i > 0 {
			s += "\n"
		}
		s += p.String()
	}
	return s
}

// reasons collects reasons with the line each one points at.
type reasons struct {
	list []reason
}

type reason struct {
	line int
	text string
	warn bool
}

func (r *reasons) add(line int, format string, args ...any) {
	r.list = append(r.list, reason{line: line, text: fmt.Sprintf(format, args...)})
}

// warn adds a reason that is a warning even on a strict record.
func (r *reasons) warn(line int, format string, args ...any) {
	r.list = append(r.list, reason{line: line, text: fmt.Sprintf(format, args...), warn: true})
}
