package source

import (
	"context"
	"crypto/sha256"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/signpost-dns/signpost/internal/model"
	"github.com/signpost-dns/signpost/internal/zonefile"
)

// Dir is a directory of octoDNS zone files, <zone>.yaml each.
type Dir struct {
	opts DirOptions
	mu   sync.Mutex // protects last and the cache
	last string     // fingerprint of the files Zones last read
	// zones and probs are what Zones last read; a reload for another
	// source's sake reuses them while the files are unchanged.
	zones []*model.Zone
	probs model.Problems
}

// DirOptions configure a Dir.
type DirOptions struct {
	Path string
	// Watch makes Watch poll the files every Interval; without it, Watch
	// only waits for its context.
	Watch    bool
	Interval time.Duration
	// Also lists other files whose changes count, such as the
	// configuration file that names the directory.
	Also []string
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// NewDir returns the zone-file directory source.
func NewDir(opts DirOptions) *Dir {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Interval <= 0 {
		opts.Interval = 2 * time.Second
	}
	return &Dir{opts: opts}
}

// Same reports whether d and o read the same files the same way, so that a
// reload can keep d.
func (d *Dir) Same(o DirOptions) bool {
	return d.opts.Path == o.Path && d.opts.Watch == o.Watch && d.opts.Interval == o.Interval && slices.Equal(d.opts.Also, o.Also)
}

// Name implements Source.
func (d *Dir) Name() string { return "zone files in " + d.opts.Path }

// Zones implements Source. While the files are as Zones last read them,
// it returns what it read then: zones are never modified once built.
func (d *Dir) Zones(context.Context) ([]*model.Zone, model.Problems, error) {
	fp := d.fingerprint()
	d.mu.Lock()
	if fp == d.last && d.zones != nil {
		zones, probs := d.zones, d.probs
		d.mu.Unlock()
		return zones, probs, nil
	}
	d.mu.Unlock()
	zones, probs, err := zonefile.LoadDir(d.opts.Path)
	if err != nil {
		return nil, nil, err
	}
	for _, z := range zones {
		z.Token = rand.Uint64() | 1
	}
	d.mu.Lock()
	d.last, d.zones, d.probs = fp, zones, probs
	d.mu.Unlock()
	return zones, probs, nil
}

// Watch implements Source.
func (d *Dir) Watch(ctx context.Context, changed func(why string)) {
	if !d.opts.Watch {
		<-ctx.Done()
		return
	}
	d.mu.Lock()
	seen := d.last
	d.mu.Unlock()
	t := time.NewTicker(d.opts.Interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if fp := d.fingerprint(); fp != seen {
				seen = fp
				changed("files changed")
			}
		}
	}
}

// recent is how long after a change a file is also compared by content.
const recent = 5 * time.Second

// fingerprint summarizes the names, sizes and times of the files. File
// times move in clock ticks, so a file changed in the last few seconds is
// also summarized by its content, as git treats "racily clean" files: two
// writes of the same size within one tick still differ.
func (d *Dir) fingerprint() string {
	var b strings.Builder
	paths := slices.Clone(d.opts.Also)
	if m, err := filepath.Glob(filepath.Join(d.opts.Path, "*.yaml")); err == nil {
		paths = append(paths, m...)
	}
	now := d.opts.Now()
	for _, p := range paths {
		fi, err := os.Stat(p)
		if err != nil {
			continue
		}
		fmt.Fprintf(&b, "%s %d %d", p, fi.ModTime().UnixNano(), fi.Size())
		if now.Sub(fi.ModTime()) < recent {
			if src, err := os.ReadFile(p); err == nil {
				fmt.Fprintf(&b, " %x", sha256.Sum256(src))
			}
		}
		b.WriteString("|")
	}
	return b.String()
}
