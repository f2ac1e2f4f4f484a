package zonefile_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/signpost-dns/signpost/internal/zonefile"
)

func TestLoadDir(t *testing.T) {
	zones, probs, err := zonefile.LoadDir("testdata/zones")
	if err != nil {
		t.Fatal(err)
	}
	if len(zones) != 2 || zones[0].Name != "broken.test." || zones[1].Name != "example.com." {
		t.Fatalf("zones %v", zones)
	}
	want := filepath.Join("testdata", "zones", "broken.test.yaml") + `:5: www.broken.test. A: invalid IPv4 address "nope"`
	if len(probs) != 1 || probs[0].String() != want {
		t.Fatalf("problems %v, want [%s]", probs, want)
	}
	if len(zones[0].Records) != 1 || zones[0].Records[0].Name != "ok" {
		t.Errorf("the valid record of a broken zone should load: %v", zones[0].Records)
	}
}

func TestLoadDirMissing(t *testing.T) {
	if _, _, err := zonefile.LoadDir(filepath.Join(t.TempDir(), "nope")); err == nil {
		t.Fatal("missing directory did not fail")
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{"yaml syntax", "www:\n  type: A\n value: 1\n", "z.yaml:2: z.: invalid YAML: did not find expected key"},
		{"duplicate key", "www:\n  type: A\n  value: 192.0.2.1\n  type: A\n", `z.yaml:4: z.: duplicate key "type" (first at line 2)`},
		{"duplicate name", "www:\n  type: A\n  value: 192.0.2.1\nwww: {type: A, value: 192.0.2.2}\n", `z.yaml:4: z.: duplicate key "www" (first at line 1)`},
		{"not a mapping", "- a\n- b\n", "z.yaml:1: z.: a zone file must map record names to records"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, probs := zonefile.Parse("z.yaml", "z.", []byte(tc.src))
			if len(probs) != 1 || !strings.HasPrefix(probs[0].String(), tc.want) {
				t.Fatalf("got %v, want prefix %q", probs, tc.want)
			}
		})
	}
}

func TestParseEmpty(t *testing.T) {
	z, probs := zonefile.Parse("z.yaml", "z.", nil)
	if z == nil || len(probs) != 0 || len(z.Records) != 0 {
		t.Fatalf("empty file: %v %v", z, probs)
	}
}

func TestZoneName(t *testing.T) {
	for in, want := range map[string]string{"example.com.yaml": "example.com.", "dir/Example.COM.yaml": "example.com.", "x.yaml": "x."} {
		if got := zonefile.ZoneName(in); got != want {
			t.Errorf("ZoneName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestAnchorsAndAliases(t *testing.T) {
	src := "a: &rec\n  type: A\n  value: 192.0.2.1\nb: *rec\n"
	z, probs := zonefile.Parse("z.yaml", "z.", []byte(src))
	if len(probs) != 0 || len(z.Records) != 2 {
		t.Fatalf("records %v problems %v", z.Records, probs)
	}
}

func TestQuickstartIsValid(t *testing.T) {
	dir := filepath.Join("..", "..", "examples", "quickstart", "zones")
	if _, err := os.Stat(dir); err != nil {
		t.Skip("no quickstart")
	}
	_, probs, err := zonefile.LoadDir(dir)
	if err != nil || len(probs) != 0 {
		t.Fatalf("%v %v", err, probs)
	}
}
