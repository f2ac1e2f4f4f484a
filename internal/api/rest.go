package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/signpost-dns/signpost/internal/health"
	"github.com/signpost-dns/signpost/internal/model"
	"github.com/signpost-dns/signpost/internal/store"
)

// Rest configures the REST API over the store. A nil Store serves no REST
// routes.
type Rest struct {
	Store *store.Store
	// Changed is called after every committed write, so the node reloads.
	Changed func(why string)
	// View returns what validation and listings need from the node's
	// current state.
	View func() View
	// Health returns the live health of every probed target.
	Health func() []health.TargetStatus
	Logger *slog.Logger
	Now    func() time.Time // nil: time.Now
}

// View is what the REST API reads from the node's current state.
type View struct {
	Regions model.Regions
	// FileZones are the zones served from zone files, listed read-only.
	FileZones []string
	// Targets are the configured providers a store zone may name.
	Targets []string
}

// maxBody caps request bodies.
const maxBody = 1 << 20

// problem is an error the client caused: a status and a body.
type problem struct {
	status int
	body   any
}

func (p *problem) Error() string { return fmt.Sprintf("HTTP %d: %v", p.status, p.body) }

func badRequest(fe model.FieldErrors) error { return &problem{http.StatusBadRequest, fe} }
func notFound(what string) error {
	return &problem{http.StatusNotFound, map[string]string{"detail": what + " not found."}}
}
func conflict(field, msg string) error {
	return &problem{http.StatusConflict, model.FieldErrors{field: {msg}}}
}

// handler is an API handler that returns what to send, or an error.
type handler func(r *http.Request, who *store.Token) (status int, body any, err error)

// serve runs h for the authenticated caller and writes its result; errors
// the client did not cause are logged, and answered without details.
func (rest *Rest) serve(write bool, h handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		who, err := rest.authenticate(r, write)
		if err == nil {
			r.Body = http.MaxBytesReader(w, r.Body, maxBody)
			var status int
			var body any
			status, body, err = h(r, who)
			if err == nil {
				if status == http.StatusNoContent {
					w.WriteHeader(status)
					return
				}
				writeJSON(w, status, body)
				return
			}
		}
		var p *problem
		if errors.As(err, &p) {
			writeJSON(w, p.status, p.body)
			return
		}
		if p := storeProblem(err); p != nil {
			rest.log().Warn("api request failed", "method", r.Method, "path", r.URL.Path, "err", err)
			writeJSON(w, p.status, p.body)
			return
		}
		rest.log().Error("api request failed", "method", r.Method, "path", r.URL.Path, "err", err)
		writeJSON(w, http.StatusInternalServerError, map[string]string{"detail": "internal error; see the server log"})
	}
}

// storeProblem answers the store's failures that are nobody's fault in the
// request: nothing was written, and the client may retry.
func storeProblem(err error) *problem {
	switch {
	case errors.Is(err, store.ErrUnavailable):
		return &problem{http.StatusServiceUnavailable, map[string]string{"detail": "the store is unavailable: nothing was written; retry later"}}
	case errors.Is(err, store.ErrFull):
		return &problem{http.StatusInsufficientStorage, map[string]string{"detail": "the store's disk is full: nothing was written; free space and retry"}}
	}
	return nil
}

// decode reads a JSON body into v, refusing unknown fields and trailing
// data.
func decode(r *http.Request, v any) error {
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return &problem{http.StatusRequestEntityTooLarge, map[string]string{"detail": "body over 1 MiB"}}
		}
		return &problem{http.StatusBadRequest, map[string]string{"detail": "invalid JSON: " + strings.TrimPrefix(err.Error(), "json: ")}}
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return &problem{http.StatusBadRequest, map[string]string{"detail": "invalid JSON: data after the object"}}
	}
	return nil
}

// update runs fn in one transaction; on success it records the event and
// tells the node. A store conflict or missing reference is the client's.
func (rest *Rest) update(ctx context.Context, who *store.Token, ev *store.Event, fn func(tx *store.Tx) error) error {
	ev.Actor, ev.Time = who.Name, rest.now()
	err := rest.Store.Update(ctx, func(tx *store.Tx) error {
		if err := fn(tx); err != nil {
			return err
		}
		return tx.AddEvent(ctx, ev)
	})
	switch {
	case errors.Is(err, store.ErrConflict):
		return conflict("non_field_errors", "Conflicts with what is stored: "+conflictDetail(err))
	case err != nil:
		return err
	}
	if rest.Changed != nil {
		rest.Changed(ev.Kind + " " + ev.Subject)
	}
	return nil
}

func conflictDetail(err error) string {
	_, detail, _ := strings.Cut(err.Error(), "conflict: ")
	return detail
}

func (rest *Rest) now() time.Time {
	if rest.Now != nil {
		return rest.Now()
	}
	return time.Now()
}

func (rest *Rest) log() *slog.Logger {
	if rest.Logger != nil {
		return rest.Logger
	}
	return slog.New(slog.DiscardHandler)
}

// marshal renders v for an event's before or after.
func marshal(v any) json.RawMessage {
	if v == nil {
		return nil
	}
	b, _ := json.Marshal(v)
	return b
}
