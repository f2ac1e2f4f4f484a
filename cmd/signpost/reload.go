package main

import (
	"context"
	"crypto/sha256"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"reflect"
	"runtime/debug"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/signpost-dns/signpost/internal/config"
	"github.com/signpost-dns/signpost/internal/geo"
)

// reloadLoop reloads on SIGHUP, and on changes to the config file or zone
// files when zones.watch is on.
func (a *app) reloadLoop(ctx context.Context) {
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	last := a.fingerprint()
	for {
		tick, stop := a.watchTick()
		select {
		case <-ctx.Done():
			stop()
			return
		case <-hup:
			stop()
			a.reload(ctx, "SIGHUP")
			last = a.fingerprint()
		case <-tick:
			if fp := a.fingerprint(); fp != last {
				last = fp
				a.reload(ctx, "files changed")
			}
		}
	}
}

func (a *app) watchTick() (<-chan time.Time, func()) {
	w := a.cur.cfg.Zones
	if !w.Watch {
		return nil, func() {}
	}
	t := time.NewTimer(time.Duration(w.WatchInterval))
	return t.C, func() { t.Stop() }
}

// fingerprint summarizes the names, sizes and times of the config file and
// the zone files. File times move in clock ticks, so a file changed in the
// last few seconds is also summarized by its content, as git treats
// "racily clean" files: two writes of the same size within one tick still
// differ.
func (a *app) fingerprint() string {
	var b strings.Builder
	paths := []string{a.path}
	if m, err := filepath.Glob(filepath.Join(a.cur.cfg.Zones.Directory, "*.yaml")); err == nil {
		paths = append(paths, m...)
	}
	for _, p := range paths {
		fi, err := os.Stat(p)
		if err != nil {
			continue
		}
		fmt.Fprintf(&b, "%s %d %d", p, fi.ModTime().UnixNano(), fi.Size())
		if time.Since(fi.ModTime()) < recent {
			if src, err := os.ReadFile(p); err == nil {
				fmt.Fprintf(&b, " %x", sha256.Sum256(src))
			}
		}
		b.WriteString("|")
	}
	return b.String()
}

// recent is how long after a change a file is also compared by content.
const recent = 5 * time.Second

// reload reads the configuration and zones again, validates and compiles
// them beside the running table, keeps the health of every target that
// still exists, and swaps. On any problem the running state stays.
func (a *app) reload(ctx context.Context, why string) {
	cfg, err := config.Load(a.path)
	if err != nil {
		a.failReload(why, err)
		return
	}
	a.warnRestartOnly(cfg)
	loc, err := a.locatorFor(cfg)
	if err != nil {
		a.failReload(why, err)
		return
	}
	next, err := loadZones(cfg, loc, a.ser.next(time.Now()))
	if err != nil {
		if next != nil {
			for _, p := range next.probs.Errors() {
				a.log.Error("reload problem", "problem", p.String())
			}
		}
		a.failReload(why, err)
		return
	}
	view := a.checker.Sync(healthTargets(next.table))
	a.srv.Swap(next.table, view)
	if !reflect.DeepEqual(cfg.Notify, a.cur.cfg.Notify) {
		a.notify.start(ctx, cfg.Notify, a.log.With("component", "notify"))
	}
	a.mu.Lock()
	a.cur = next
	a.mu.Unlock()
	debug.FreeOSMemory()
	a.reloads.WithLabelValues("success").Inc()
	a.log.Info("reloaded", "why", why, "zones", len(next.table.Zones()), "targets", len(next.table.Targets()), "serial", next.table.Serial())
}

func (a *app) failReload(why string, err error) {
	a.reloads.WithLabelValues("error").Inc()
	a.log.Error("reload failed; still serving the previous configuration", "why", why, "err", err)
}

// locatorFor reuses the running locator unless the database changed.
func (a *app) locatorFor(cfg *config.Config) (geo.Locator, error) {
	if cfg.GeoIP.Database == a.cur.cfg.GeoIP.Database {
		return a.cur.locator, nil
	}
	return openLocator(cfg.GeoIP)
}

func (a *app) warnRestartOnly(cfg *config.Config) {
	old := a.cur.cfg
	if !slices.Equal(cfg.DNS.Listen, old.DNS.Listen) || cfg.DNS.MaxUDPSize != old.DNS.MaxUDPSize ||
		cfg.HTTP.Listen != old.HTTP.Listen || cfg.Healthcheck.Concurrency != old.Healthcheck.Concurrency || cfg.Log != old.Log {
		a.log.Warn("dns, http, log and healthcheck.concurrency settings take effect at the next restart")
	}
}
