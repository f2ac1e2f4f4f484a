// Package buildinfo tells which signpost this is: version, commit and
// build date, read from the Go build information that `go build` and
// `go install` record, so no -ldflags are needed.
package buildinfo

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"
	"time"
)

// Info describes a build. Empty fields are unknown.
type Info struct {
	Version   string // module version: a tag, a pseudo-version, or "devel"
	Commit    string // VCS revision
	Date      string // commit time, RFC 3339 UTC
	Modified  bool   // built from a tree with uncommitted changes
	GoVersion string
	Platform  string // GOOS/GOARCH
}

// Read returns this binary's build information.
func Read() Info {
	bi, _ := debug.ReadBuildInfo()
	return FromBuildInfo(bi)
}

// FromBuildInfo reads Info out of bi (nil: nothing is known but the
// runtime's). A build from a checkout records the commit in its vcs
// settings; `go install module@version` records none, and the commit and
// date come from the pseudo-version when the version is one.
func FromBuildInfo(bi *debug.BuildInfo) (in Info) {
	in = Info{Version: "devel", GoVersion: runtime.Version()}
	goos, goarch := runtime.GOOS, runtime.GOARCH
	defer func() { in.Platform = goos + "/" + goarch }()
	if bi == nil {
		return in
	}
	if v := bi.Main.Version; v != "" && v != "(devel)" {
		in.Version = v
	}
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			in.Commit = s.Value
		case "vcs.time":
			in.Date = s.Value
		case "vcs.modified":
			in.Modified = s.Value == "true"
		case "GOOS":
			goos = s.Value
		case "GOARCH":
			goarch = s.Value
		}
	}
	if in.Commit == "" {
		in.Commit, in.Date = pseudo(in.Version)
	}
	return in
}

// pseudo reads the commit and its time out of a pseudo-version such as
// v0.0.0-20261203101500-c97ff3a1b2c3 (or v1.2.4-0.2026...-hash, or with
// +incompatible or +dirty after it).
func pseudo(v string) (commit, date string) {
	v, _, _ = strings.Cut(v, "+")
	parts := strings.Split(v, "-")
	if len(parts) < 3 {
		return "", ""
	}
	rev, stamp := parts[len(parts)-1], parts[len(parts)-2]
	if i := strings.LastIndex(stamp, "."); i >= 0 {
		stamp = stamp[i+1:]
	}
	t, err := time.Parse("20060102150405", stamp)
	if err != nil || len(rev) != 12 {
		return "", ""
	}
	return rev, t.UTC().Format(time.RFC3339)
}

// String is the line `signpost version` prints; the date is the commit's,
// which keeps builds reproducible.
func (in Info) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "signpost %s", in.Version)
	if in.Commit != "" {
		fmt.Fprintf(&b, " commit %s", in.Commit)
		if in.Modified {
			b.WriteString(" (modified)")
		}
	}
	if in.Date != "" {
		fmt.Fprintf(&b, " date %s", in.Date)
	}
	fmt.Fprintf(&b, " (%s, %s)", in.GoVersion, in.Platform)
	return b.String()
}
