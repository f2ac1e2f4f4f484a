package zonefile_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/signpost-dns/signpost/internal/zonefile"
)

// rssBudget is the memory the loading child may use: loading any of the
// inputs below must fit in it or fail with a problem. The race detector
// multiplies what a load takes.
func rssBudget() int64 {
	if raceEnabled {
		return 4 << 30
	}
	return 1 << 30
}

// TestHostileFilesAreBounded loads hostile zone files in a child process
// that a watchdog stops once its resident memory passes a budget: each
// must end in a clear problem (or load) within it.
func TestHostileFilesAreBounded(t *testing.T) {
	if dir := os.Getenv("SIGNPOST_BOUNDED_DIR"); dir != "" {
		loadCapped(dir)
		return
	}
	tests := []struct {
		name  string
		write func(path string) error
		want  string
	}{
		{"a 1 GiB file", func(p string) error { return os.Truncate(p, 1<<30) }, "zone file is 1024 MiB; zone files are read up to 256 MiB"},
		{"an alias bomb", writeAliasBomb, "aliases expand to more than 1000000 nodes"},
		{"flow nesting 100,000 deep", func(p string) error {
			return os.WriteFile(p, []byte("a: "+strings.Repeat("[", 100000)+strings.Repeat("]", 100000)+"\n"), 0o644)
		}, "exceeded max depth of 10000"},
		{"a pool of 100,000 values", writeHugePool, "loaded: 2 records"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "h.test.yaml")
			f, err := os.Create(path)
			if err != nil {
				t.Fatal(err)
			}
			f.Close()
			if err := tt.write(path); err != nil {
				t.Fatal(err)
			}
			cmd := exec.Command(os.Args[0], "-test.run=^TestHostileFilesAreBounded$")
			cmd.Env = append(os.Environ(), "SIGNPOST_BOUNDED_DIR="+dir)
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("the loading child failed (%v):\n%.2000s", err, out)
			}
			if !strings.Contains(string(out), tt.want) {
				t.Fatalf("want %q in:\n%.2000s", tt.want, out)
			}
		})
	}
}

// loadCapped is the child: it loads dir under the watchdog and prints
// what came of it.
func loadCapped(dir string) {
	go watchdog(rssBudget())
	zones, probs, err := zonefile.LoadDir(dir)
	if err != nil {
		fmt.Println("error:", err)
		os.Exit(4)
	}
	for _, p := range probs {
		fmt.Println(p.String())
	}
	n := 0
	for _, z := range zones {
		n += len(z.Records)
	}
	fmt.Printf("loaded: %d records\n", n)
}

// watchdog exits the process once its resident set passes budget bytes.
func watchdog(budget int64) {
	for {
		b, _ := os.ReadFile("/proc/self/statm")
		var size, rss int64
		fmt.Sscan(string(b), &size, &rss)
		if rss*int64(os.Getpagesize()) > budget {
			fmt.Printf("over budget: resident %d MiB\n", rss*int64(os.Getpagesize())>>20)
			os.Exit(3)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func writeAliasBomb(path string) error {
	var b strings.Builder
	b.WriteString("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n")
	for i := 1; i < 12; i++ {
		fmt.Fprintf(&b, "a%d: &a%d [%s]\n", i, i, strings.TrimSuffix(strings.Repeat(fmt.Sprintf("*a%d, ", i-1), 10), ", "))
	}
	return os.WriteFile(path, []byte(b.String()), 0o644)
}

func writeHugePool(path string) error {
	var b strings.Builder
	b.WriteString("'':\n  type: NS\n  values: [ns1.h.test.]\nwww:\n  type: A\n  values: [127.0.0.1]\n  dynamic:\n    pools:\n      big:\n        values:\n")
	for i := range 100000 {
		fmt.Fprintf(&b, "          - value: 127.%d.%d.%d\n", i>>16&255, i>>8&255, i&255)
	}
	b.WriteString("    rules:\n      - pool: big\n")
	return os.WriteFile(path, []byte(b.String()), 0o644)
}
