package route53

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/signpost-dns/signpost/internal/zonefile"
)

var update = flag.Bool("update", false, "rewrite golden files")

const sep = "----------\n"

// render prints a layout: rrsets in order, then health checks, then
// warnings and errors.
func render(l *layout) string {
	var b strings.Builder
	for _, r := range l.records {
		fmt.Fprintf(&b, "# %s %s\n", r.Name, r.Type)
		for _, s := range r.Sets {
			if strings.HasPrefix(s.HealthCheck, "new:") {
				s.HealthCheck = "<check>"
			}
			fmt.Fprintln(&b, s.String())
		}
	}
	for _, c := range l.checks {
		cfg := c.cfg
		fmt.Fprintf(&b, "check %s %s ip=%s fqdn=%s path=%s port=%d sni=%v threshold=%d interval=%d latency=%v disabled=%v inverted=%v ref=%s tag=%q\n",
			c.record, cfg.Type, aws.ToString(cfg.IPAddress), aws.ToString(cfg.FullyQualifiedDomainName), aws.ToString(cfg.ResourcePath),
			aws.ToInt32(cfg.Port), aws.ToBool(cfg.EnableSNI), aws.ToInt32(cfg.FailureThreshold), aws.ToInt32(cfg.RequestInterval),
			aws.ToBool(cfg.MeasureLatency), aws.ToBool(cfg.Disabled), aws.ToBool(cfg.Inverted), c.ref[:len(c.ref)-12]+"<12 hex>", c.tagName())
	}
	for _, w := range l.warnings {
		fmt.Fprintln(&b, "warning:", w)
	}
	for _, e := range l.errs {
		fmt.Fprintln(&b, "error:", e)
	}
	return b.String()
}

func TestLayoutGolden(t *testing.T) {
	files, _ := filepath.Glob("testdata/golden/*.golden")
	if len(files) == 0 {
		t.Fatal("no golden files")
	}
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			src, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			in, want, ok := strings.Cut(string(src), sep)
			if !ok {
				t.Fatalf("%s has no %q separator", path, strings.TrimSpace(sep))
			}
			z, probs := zonefile.Parse(path, "example.com.", []byte(in))
			if len(probs.Errors()) > 0 {
				t.Fatal(probs)
			}
			got := render(desired(z))
			if *update {
				if err := os.WriteFile(path, []byte(in+sep+got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			if got != want {
				t.Errorf("layout differs from %s:\n--- got\n%s--- want\n%s", path, got, want)
			}
		})
	}
}

// TestDocumentationExample checks the counts octodns-route53 gives for
// octoDNS's documentation example: 20 record sets and 7 health checks.
func TestDocumentationExample(t *testing.T) {
	src, err := os.ReadFile("testdata/golden/octodns-docs-example.golden")
	if err != nil {
		t.Fatal(err)
	}
	in, _, _ := strings.Cut(string(src), sep)
	z, _ := zonefile.Parse("x", "example.com.", []byte(in))
	l := desired(z)
	if n := len(l.records[0].Sets); n != 20 || len(l.checks) != 7 {
		t.Errorf("%d record sets and %d health checks, want 20 and 7", n, len(l.checks))
	}
}
