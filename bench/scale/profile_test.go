package scale

import "testing"

// BenchmarkLoad100k loads and compiles a tenth of the zone set, for
// profiling the load path.
func BenchmarkLoad100k(b *testing.B) {
	dir := b.TempDir()
	writeZonesN(b, dir, 10)
	b.ResetTimer()
	for b.Loop() {
		load(b, dir, 1)
	}
}
