package scale

import (
	"testing"

	"github.com/signpost-dns/signpost/bench/scale/zonegen"
)

// BenchmarkLoad100k loads and compiles a tenth of the realistic zone set,
// for profiling the load path.
func BenchmarkLoad100k(b *testing.B) {
	dir := b.TempDir()
	if _, err := zonegen.Write(dir, 10, recordsPerZone, zonegen.Realistic); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		load(b, dir, 1)
	}
}
