package server

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sync"

	"github.com/coreos/go-systemd/v22/daemon"
	"github.com/signpost-dns/signpost/internal/config"
	"github.com/signpost-dns/signpost/internal/source"
)

// Reload reads the configuration and the sources again, builds the next
// state beside the running one, and swaps it in: the DNS table and its
// health view together, every target that still exists keeping its
// health. On any problem the running state stays and the error says why.
func (s *Server) Reload(ctx context.Context, why string) error {
	s.reloadMu.Lock()
	defer s.reloadMu.Unlock()
	s.sdNotify(fmt.Sprintf("%s\nMONOTONIC_USEC=%d", daemon.SdNotifyReloading, monotonicMicros()))
	defer s.sdNotify(daemon.SdNotifyReady)
	prev := s.cur.Load()
	next, err := Load(ctx, prev.Config.Path, prev)
	if err != nil {
		var be *BuildError
		if errors.As(err, &be) {
			for _, p := range be.Problems.Errors() {
				s.log.Error("reload problem", "problem", p.String())
			}
		}
		s.reloads.WithLabelValues("error").Inc()
		s.reloadOK.Set(0)
		s.log.Error("reload failed; still serving the previous configuration", "why", why, "err", err)
		return err
	}
	s.warnRestartOnly(prev.Config, next.Config)
	view := s.checker.Sync(next.Table.Targets())
	if s.dns != nil {
		s.dns.Swap(next.Table, view)
	}
	if !reflect.DeepEqual(prev.Config.Notify, next.Config.Notify) {
		s.notifier.Update(notifyOptions(next, s.log))
	}
	s.cur.Store(next)
	select {
	case s.swapped <- struct{}{}:
	default:
	}
	s.reloads.WithLabelValues("success").Inc()
	s.reloadOK.Set(1)
	s.log.Info("reloaded", "why", why, "zones", len(next.Table.Zones()), "targets", len(next.Table.Targets()), "serial", next.Table.Serial())
	return nil
}

// StoreChanged tells the node that a write to its store was committed: the
// store source's watcher reloads, reading again only what the write moved.
func (s *Server) StoreChanged(why string) {
	for _, src := range s.cur.Load().Sources {
		if st, ok := src.(*source.Store); ok {
			st.Changed(why)
		}
	}
}

// watch runs the current state's source watchers and reloads when one
// reports a change; after any swap it watches the new state's sources.
func (s *Server) watch(ctx context.Context) error {
	for {
		st := s.cur.Load()
		wctx, cancel := context.WithCancel(ctx)
		changed := make(chan string, 1)
		var wg sync.WaitGroup
		for _, src := range st.Sources {
			wg.Add(1)
			go func() {
				defer wg.Done()
				src.Watch(wctx, func(why string) {
					select {
					case changed <- src.Name() + ": " + why:
					default:
					}
				})
			}()
		}
		var why string
		select {
		case <-ctx.Done():
		case why = <-changed:
		case <-s.swapped:
		}
		cancel()
		wg.Wait()
		if ctx.Err() != nil {
			return nil
		}
		if why == "" { // a watcher may have reported just before the swap
			select {
			case why = <-changed:
			default:
			}
		}
		if why != "" {
			_ = s.Reload(ctx, why) // logged and metered; the old state keeps serving
		}
	}
}

// warnRestartOnly logs settings a reload cannot apply.
func (s *Server) warnRestartOnly(old, cfg *config.Config) {
	if !slices.Equal(cfg.DNS.Listen, old.DNS.Listen) || cfg.DNS.MaxUDPSize != old.DNS.MaxUDPSize ||
		cfg.HTTP != old.HTTP || cfg.Healthcheck.Concurrency != old.Healthcheck.Concurrency || cfg.Log != old.Log || cfg.Reconcile != old.Reconcile || cfg.Store.URL != old.Store.URL || cfg.Metrics != old.Metrics {
		s.log.Warn("dns, http, log, reconcile, store.url, metrics and healthcheck.concurrency settings take effect at the next restart")
	}
}
