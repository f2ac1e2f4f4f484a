package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"testing"

	"github.com/signpost-dns/signpost/internal/model"
	"github.com/signpost-dns/signpost/internal/store"
)

// FuzzAPIDecode feeds arbitrary bodies to the JSON decoding every write
// endpoint starts with, and to the field checks that need no store: the
// body is taken (and what was decoded encodes again) or refused with a
// 400 or 413 whose detail is JSON; never a panic. FuzzAPIWrite covers the
// whole request, store included, at a few thousand calls a second; this
// one runs the decoding alone, fast enough for tens of millions.
func FuzzAPIDecode(f *testing.F) {
	for _, s := range []string{
		`{"name": "x", "type": "A", "values": ["127.0.0.2"], "ttl": 60}`,
		`{"root": "other.test", "targets": ["r53"]}`,
		`{"address": "127.0.0.10", "enabled": false, "healthcheck": {"protocol": "HTTP", "port": 80, "path": "/"}}`,
		`{"name": "q", "routing": "latency", "ttl": 30, "members": [{"ip": "127.0.0.9", "region": "us-east-1", "weight": 5}]}`,
		`{"ip": "127.0.0.9", "weight": 5, "enabled": true}`,
		`{"weight": -1}`, `[]`, `null`, `{"name": 1}`, `{} {}`, `{"ttl": 1e400}`, `{"unknown": 1}`,
	} {
		for kind := range uint8(5) {
			f.Add(kind, []byte(s))
		}
	}
	f.Fuzz(func(t *testing.T, kind uint8, body []byte) {
		var in any
		switch kind % 5 {
		case 0:
			in = &recordIn{}
		case 1:
			in = &zoneIn{}
		case 2:
			in = &ipIn{}
		case 3:
			in = &policyIn{}
		case 4:
			in = &memberJSON{}
		}
		err := decode(&http.Request{Body: io.NopCloser(bytes.NewReader(body))}, in)
		if err != nil {
			var p *problem
			if !errors.As(err, &p) || (p.status != http.StatusBadRequest && p.status != http.StatusRequestEntityTooLarge) {
				t.Fatalf("%q: %v", body, err)
			}
			if b, err := json.Marshal(p.body); err != nil || !json.Valid(b) {
				t.Fatalf("%q: problem %v does not encode: %v", body, p.body, err)
			}
			return
		}
		if _, err := json.Marshal(in); err != nil {
			t.Fatalf("%q: decoded %+v does not encode: %v", body, in, err)
		}
		checkFields(in)
	})
}

// checkFields runs the field checks that follow decoding and need no
// store.
func checkFields(in any) {
	switch in := in.(type) {
	case *recordIn:
		setTTL(&store.Record{}, in.TTL, model.FieldErrors{})
	case *ipIn:
		in.apply(&model.IP{})
	case *policyIn:
		if in.Members != nil {
			for _, m := range *in.Members {
				m.apply(&model.Member{}, model.FieldErrors{}, "members")
			}
		}
	case *memberJSON:
		in.apply(&model.Member{}, model.FieldErrors{}, "")
	}
}
