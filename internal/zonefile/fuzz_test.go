package zonefile_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/signpost-dns/signpost/internal/engine"
	"github.com/signpost-dns/signpost/internal/model"
	"github.com/signpost-dns/signpost/internal/zonefile"
)

// FuzzLoadZone runs arbitrary bytes through the whole zone-file path:
// YAML, record validation, zone validation and compiling. Nothing may
// panic; every problem names the file; a zone without errors compiles.
func FuzzLoadZone(f *testing.F) {
	files, _ := filepath.Glob("testdata/zones/*.yaml")
	more, _ := filepath.Glob("../../examples/*/zones/*.yaml")
	for _, file := range append(files, more...) {
		b, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("'':\n  type: NS\n  values: [ns1.fuzz.test.]\nwww:\n  - {type: A, values: [127.0.0.1]}\n  - {type: TXT, value: hi}\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		z, probs := zonefile.Parse("z.yaml", "fuzz.test.", src)
		for _, p := range probs {
			if p.File != "z.yaml" || p.Line < 0 || p.Reason == "" {
				t.Fatalf("problem without a place or a reason: %+v", p)
			}
		}
		if z == nil || len(probs.Errors()) > 0 {
			return
		}
		table, _ := engine.Compile([]*model.Zone{z}, engine.Options{Serial: 1})
		if table == nil {
			t.Fatal("no table")
		}
	})
}
