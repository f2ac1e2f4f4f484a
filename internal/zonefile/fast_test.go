package zonefile

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/signpost-dns/signpost/internal/model"
)

// slowRead is what yaml.v3 and the converter make of src; ok is false when
// yaml.v3 rejects it or it is not a mapping.
func slowRead(src []byte) (*model.Data, []model.Problem, bool) {
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil || len(doc.Content) == 0 {
		return nil, nil, false
	}
	c := &converter{}
	return c.convert(doc.Content[0]), c.probs, true
}

// checkSame fails when the fast reader accepts src but reads it otherwise
// than yaml.v3 and the converter.
func checkSame(t *testing.T, src []byte) bool {
	t.Helper()
	fd, fp, ok := readFast(src)
	if !ok {
		return false
	}
	sd, sp, sok := slowRead(src)
	if !sok {
		t.Fatalf("fast reader accepted what yaml.v3 rejects:\n%s", src)
	}
	if !reflect.DeepEqual(fd, sd) {
		t.Fatalf("fast reader differs from yaml.v3 on:\n%s\nfast %s\nslow %s", src, dump(fd), dump(sd))
	}
	if len(fp) != len(sp) || (len(fp) > 0 && !reflect.DeepEqual(fp, sp)) {
		t.Fatalf("problems differ on:\n%s\nfast %v\nslow %v", src, fp, sp)
	}
	return true
}

func dump(d *model.Data) string {
	b, _ := yaml.Marshal(d)
	return string(b)
}

var fastSeeds = []string{
	"a: 1\n",
	"---\na: b\n",
	"'':\n  type: NS\n  values: [ns1.example.net., ns2.example.net.]\n",
	"www:\n  type: A\n  ttl: 60\n  values:\n  - 127.0.0.1\n  - 127.0.0.2 # a comment\n",
	"www:\n  - type: A\n    value: 127.0.0.1\n  - type: AAAA\n    values: ['::1', \"2001:db8::1\"]\n",
	"x:\n  type: TXT\n  values:\n    - v=spf1 include:_spf.example.net ~all\n    - \"quoted \\\"x\\\" here\"\n    - 'it''s'\n",
	"d:\n  dynamic:\n    pools:\n      eu: {fallback: us, values: [{value: 127.0.0.2, weight: 3, status: up}]}\n    rules:\n      - {geos: [EU, NA-CA], pool: eu}\n      - pool: us\n",
	"a:\nb: ~\nc: null\nd: yes\ne: True\nf: 0x1F\ng: 1e3\nh: .inf\ni: 012\nj: -1\n",
	"a: 1\na: 2\n",
	"a:\n  b:\n  c: {}\n  d: []\n",
	"a: b: c\n",
	"a: &x 1\nb: *x\n",
	"a: |\n  text\n",
	"a: b\n  c\n",
	"a:\n\t b: 1\n",
	"a: [1, 2,]\n",
	"a: [1,\n  2]\n",
	"- a\n- b\n",
	"a:\n  - - 1\n",
	"a: {b: 1, b: 2}\n",
	"a: 'x' y\n",
	"'*.wild':\n  type: A\n  value: 127.0.0.1\n",
	"a:\n    - 1\n  - 2\n",
	"a:\n  -\n    b: 1\n  -\n",
	"a: \"\\x41\"\n",
	"a: b #c: d\n",
	"a:   \n  # comment\n  b: 1 \n",
}

func FuzzFastReader(f *testing.F) {
	for _, s := range fastSeeds {
		f.Add([]byte(s))
	}
	if b, err := os.ReadFile(filepath.Join("testdata", "zones", "example.com.yaml")); err == nil {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		checkSame(t, src)
	})
}

// TestFastReaderReadsZoneFiles checks that the fast reader is not idle: the
// zone files signpost ships and tests with are in its subset.
func TestFastReaderReadsZoneFiles(t *testing.T) {
	files, _ := filepath.Glob("../../examples/*/zones/*.yaml")
	more, _ := filepath.Glob("testdata/zones/*.yaml")
	files = append(files, more...)
	if len(files) < 3 {
		t.Fatalf("only %d zone files found", len(files))
	}
	for _, file := range files {
		src, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		if !checkSame(t, src) {
			t.Errorf("%s: outside the fast subset", file)
		}
	}
}

func TestFastReaderSeeds(t *testing.T) {
	accepted := 0
	for _, s := range fastSeeds {
		if checkSame(t, []byte(s)) {
			accepted++
		}
	}
	if accepted < 10 {
		t.Errorf("the fast reader accepted only %d of %d seeds", accepted, len(fastSeeds))
	}
}
