package zonefile

import (
	"os"
	"path/filepath"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/signpost-dns/signpost/bench/scale/zonegen"
)

// BenchmarkReadYAML compares the fast reader with yaml.v3 and the
// converter on one zone file of 10,000 records.
func BenchmarkReadYAML(b *testing.B) {
	dir := b.TempDir()
	if _, err := zonegen.Write(dir, 1, 10000, zonegen.Realistic); err != nil {
		b.Fatal(err)
	}
	src, err := os.ReadFile(filepath.Join(dir, "z000.test.yaml"))
	if err != nil {
		b.Fatal(err)
	}
	b.Run("fast", func(b *testing.B) {
		b.SetBytes(int64(len(src)))
		for b.Loop() {
			if _, _, ok := readFast(src); !ok {
				b.Fatal("outside the subset")
			}
		}
	})
	b.Run("yaml.v3", func(b *testing.B) {
		b.SetBytes(int64(len(src)))
		for b.Loop() {
			var doc yaml.Node
			if err := yaml.Unmarshal(src, &doc); err != nil {
				b.Fatal(err)
			}
			(&converter{}).convert(doc.Content[0])
		}
	})
}
