package source

import (
	"context"
	"crypto/sha256"
	"math/rand/v2"
	"os"
	"slices"
	"sync"
	"time"

	"github.com/signpost-dns/signpost/internal/model"
	"github.com/signpost-dns/signpost/internal/zonefile"
)

// Dir is a directory of octoDNS zone files, <zone>.yaml each.
type Dir struct {
	opts DirOptions
	mu   sync.Mutex  // protects last and files
	last fingerprint // of the files as Zones last read them
	// files holds what Zones last read of each file: a reload reads again
	// only the files that changed, and the others keep their zones (and
	// tokens), so that the engine keeps their compiled forms too.
	files map[string]zonefile.File
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

// Zones implements Source. It reads again only the files that changed
// since it last read them; a zone from a file that did not is the same
// *model.Zone, so a reload for another source's sake or for one file's
// sake does not parse or compile the others again.
func (d *Dir) Zones(context.Context) ([]*model.Zone, model.Problems, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	paths, err := zonefile.Files(d.opts.Path)
	if err != nil {
		return nil, nil, err
	}
	fp := d.fingerprint(paths, d.last)
	var todo []string
	for _, p := range paths {
		if _, ok := d.files[p]; !ok || !fp[p].same(d.last[p]) {
			todo = append(todo, p)
		}
	}
	read, err := zonefile.LoadFiles(todo)
	if err != nil {
		return nil, nil, err
	}
	files := make(map[string]zonefile.File, len(paths))
	for _, p := range paths {
		files[p] = d.files[p]
	}
	for i, f := range read {
		if f.Zone != nil {
			f.Zone.Token = rand.Uint64() | 1
		}
		files[todo[i]] = f
	}
	d.last, d.files = fp, files
	inOrder := make([]zonefile.File, len(paths))
	for i, p := range paths {
		inOrder[i] = files[p]
	}
	zones, probs := zonefile.Gather(inOrder)
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
			paths, err := zonefile.Files(d.opts.Path)
			if err != nil {
				continue // Zones will say why
			}
			fp := d.fingerprint(paths, seen)
			if !fp.same(seen) {
				changed("files changed")
			}
			seen = fp
		}
	}
}

// recent is how long after a change a file is also compared by content.
const recent = 5 * time.Second

// fingerprint is what is known of each file (the zone files and
// DirOptions.Also) without parsing it.
type fingerprint map[string]fileState

// fileState is a file's time and size, and for a recently changed file
// its content's hash. File times move in clock ticks, so a file changed in
// the last few seconds is also known by its content, as git treats
// "racily clean" files: two writes of the same size within one tick still
// differ.
type fileState struct {
	mtime, size int64
	hashed      bool
	sum         [sha256.Size]byte
}

// same reports whether a and b are the same content as far as they know.
// The zero state (a missing file) is the same only as another.
func (a fileState) same(b fileState) bool {
	if a.mtime != b.mtime || a.size != b.size {
		return false
	}
	return !a.hashed || !b.hashed || a.sum == b.sum
}

func (fp fingerprint) same(o fingerprint) bool {
	if len(fp) != len(o) {
		return false
	}
	for p, st := range fp {
		if ost, ok := o[p]; !ok || !st.same(ost) {
			return false
		}
	}
	return true
}

// fingerprint reads the state of the files at paths and of DirOptions.Also.
// A file that was hashed in prev and has since grown old is hashed once
// more, to catch a write in the same tick after prev was taken; if its
// content is unchanged its new state is the plain one, so that growing old
// is not a change and it is not read again.
func (d *Dir) fingerprint(paths []string, prev fingerprint) fingerprint {
	now := d.opts.Now()
	fp := fingerprint{}
	for _, p := range slices.Concat(d.opts.Also, paths) {
		fi, err := os.Stat(p)
		if err != nil {
			continue
		}
		st := fileState{mtime: fi.ModTime().UnixNano(), size: fi.Size()}
		young := now.Sub(fi.ModTime()) < recent
		old, ok := prev[p]
		hadHash := ok && old.hashed && old.mtime == st.mtime && old.size == st.size
		if young || hadHash {
			if src, err := os.ReadFile(p); err == nil {
				st.sum, st.hashed = sha256.Sum256(src), true
			}
		}
		if !young && hadHash && st.hashed && st.sum == old.sum {
			st.hashed, st.sum = false, [sha256.Size]byte{}
		}
		fp[p] = st
	}
	return fp
}
