package api

import (
	"errors"
	"strconv"
	"strings"

	"github.com/signpost-dns/signpost/internal/model"
)

func itoa(i int) string { return strconv.Itoa(i) }

func joinAnd(items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}

// prefixMemberErrors files member problems under members[i].
func prefixMemberErrors(fe model.FieldErrors, i int) model.FieldErrors {
	out := model.FieldErrors{}
	for k, v := range fe {
		out[memberField(i)+k] = v
	}
	return out
}

// unprefix turns members[i].field problems back into field problems, for
// the member routes, whose body is one member.
func unprefix(err error, i int) error {
	var p *problem
	fe, ok := model.FieldErrors(nil), false
	if errors.As(err, &p) {
		fe, ok = p.body.(model.FieldErrors)
	}
	if !ok {
		return err
	}
	out := model.FieldErrors{}
	for k, v := range fe {
		out[strings.TrimPrefix(k, memberField(i))] = v
	}
	return &problem{p.status, out}
}
