package server

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/signpost-dns/signpost/internal/health"
	"github.com/signpost-dns/signpost/internal/store"
)

// TestHealthLogWritesNewsInBatches: a burst of transitions larger than a
// batch all reach the event log, in order; a target's first result, up,
// is left out (were it queued, the queue would overflow and drop some).
func TestHealthLogWritesNewsInBatches(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "signpost.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	h := newHealthLog(st, slog.New(slog.NewTextHandler(io.Discard, nil)))
	const n = 3*maxBatch + 10
	for i := range n {
		h.add(health.Event{Time: time.Unix(int64(i), 0), Address: fmt.Sprintf("127.0.%d.%d", i/250, i%250+1), From: "up", To: "down"})
		h.add(health.Event{Address: "127.9.9.9", From: "unknown", To: "up"})
	}
	before := seq(t, st)
	done := make(chan struct{})
	go func() { defer close(done); h.run(ctx) }()
	var events []*store.Event
	for deadline := time.Now().Add(10 * time.Second); len(events) < n && time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if err := st.View(ctx, func(tx *store.Tx) (err error) { events, err = tx.Events(ctx, 0, 2*n); return err }); err != nil {
			t.Fatal(err)
		}
	}
	cancel()
	<-done
	if len(events) != n {
		t.Fatalf("%d events logged, want %d", len(events), n)
	}
	for i, e := range events { // newest first
		if want := fmt.Sprintf("127.0.%d.%d", (n-1-i)/250, (n-1-i)%250+1); e.Subject != want || e.Kind != "health.down" {
			t.Fatalf("event %d: %s %s, want health.down %s", i, e.Kind, e.Subject, want)
		}
	}
	if got := seq(t, st) - before; got != 0 {
		t.Errorf("logging events moved the store's version by %d", got)
	}
}

func seq(t *testing.T, st *store.Store) int64 {
	t.Helper()
	var v store.Versions
	if err := st.View(context.Background(), func(tx *store.Tx) (err error) { v, err = tx.Versions(context.Background()); return err }); err != nil {
		t.Fatal(err)
	}
	return v.Seq
}
