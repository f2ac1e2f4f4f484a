package buildinfo

import (
	"runtime/debug"
	"strings"
	"testing"
)

func TestFromBuildInfo(t *testing.T) {
	for _, tc := range []struct {
		name     string
		bi       *debug.BuildInfo
		want     Info
		contains string
	}{
		{"checkout", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: []debug.BuildSetting{
			{Key: "vcs.revision", Value: "c97ff3a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7"}, {Key: "vcs.time", Value: "2026-12-03T10:02:00Z"},
			{Key: "vcs.modified", Value: "true"}, {Key: "GOOS", Value: "linux"}, {Key: "GOARCH", Value: "arm64"}}},
			Info{Version: "devel", Commit: "c97ff3a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7", Date: "2026-12-03T10:02:00Z", Modified: true, Platform: "linux/arm64"},
			"commit c97ff3a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7 (modified) date 2026-12-03T10:02:00Z"},
		{"tag from the proxy", &debug.BuildInfo{Main: debug.Module{Version: "v0.4.0"}},
			Info{Version: "v0.4.0"}, "signpost v0.4.0 ("},
		{"pseudo-version from the proxy", &debug.BuildInfo{Main: debug.Module{Version: "v0.0.0-20261203100200-c97ff3a1b2c3"}},
			Info{Version: "v0.0.0-20261203100200-c97ff3a1b2c3", Commit: "c97ff3a1b2c3", Date: "2026-12-03T10:02:00Z"}, "commit c97ff3a1b2c3 date 2026-12-03T10:02:00Z"},
		{"pseudo-version after a tag, dirty", &debug.BuildInfo{Main: debug.Module{Version: "v0.4.1-0.20261203100200-c97ff3a1b2c3+dirty"}},
			Info{Version: "v0.4.1-0.20261203100200-c97ff3a1b2c3+dirty", Commit: "c97ff3a1b2c3", Date: "2026-12-03T10:02:00Z"}, "commit c97ff3a1b2c3"},
		{"prerelease is not a pseudo-version", &debug.BuildInfo{Main: debug.Module{Version: "v1.0.0-rc-1"}},
			Info{Version: "v1.0.0-rc-1"}, "signpost v1.0.0-rc-1 ("},
		{"no build info", nil, Info{Version: "devel"}, "signpost devel ("},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := FromBuildInfo(tc.bi)
			if tc.want.Platform == "" {
				tc.want.Platform = got.Platform
			}
			tc.want.GoVersion = got.GoVersion
			if got != tc.want {
				t.Errorf("got %+v\nwant %+v", got, tc.want)
			}
			if s := got.String(); !strings.Contains(s, tc.contains) {
				t.Errorf("String() = %q, want it to contain %q", s, tc.contains)
			}
		})
	}
}
