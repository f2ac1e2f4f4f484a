package archtest

import (
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/signpost-dns/signpost/"

// allowed lists, for each package, the signpost packages it may import
// (DESIGN.md "Packages"). A package not listed may import none.
var allowed = map[string][]string{
	"internal/model":                        {},
	"internal/config":                       {"internal/model"},
	"internal/geo":                          {"internal/model"},
	"internal/geo/geotest":                  {"internal/geo", "internal/model"},
	"internal/zonefile":                     {"internal/model"},
	"internal/engine":                       {"internal/model", "internal/geo", "internal/health/target"},
	"internal/dnsserver":                    {"internal/engine", "internal/geo", "internal/model"},
	"internal/health":                       {"internal/model", "internal/health/target"},
	"internal/health/target":                {"internal/model"},
	"internal/notify":                       {"internal/health"},
	"internal/api":                          {"internal/model", "internal/store", "internal/plan", "internal/health"},
	"internal/plan":                         {"internal/model"},
	"internal/provider":                     {"internal/plan", "internal/model"},
	"internal/provider/route53":             {"internal/provider", "internal/plan", "internal/model"},
	"internal/provider/route53/r53fake":     {},
	"internal/provider/rfc2136":             {"internal/provider", "internal/plan", "internal/model", "internal/engine"},
	"internal/provider/rfc2136/rfc2136test": {"internal/provider/rfc2136"},
	"internal/provider/providertest":        {"internal/provider", "internal/plan", "internal/model", "internal/zonefile"},
	"internal/source":                       {"internal/model", "internal/zonefile", "internal/store"},
	"internal/store":                        {"internal/model"},
	"internal/server/servertest":            {"internal/geo/geotest"},
	"internal/server": {"internal/api", "internal/config", "internal/dnsserver", "internal/engine", "internal/geo", "internal/health",
		"internal/model", "internal/notify", "internal/provider", "internal/provider/route53", "internal/reconcile", "internal/source", "internal/store",
		"internal/zincimport", "internal/provider/rfc2136", "internal/zonefile"},
	"internal/zincimport":     {"internal/model", "internal/store"},
	"internal/agent":          {"internal/config", "internal/model", "internal/health", "internal/health/target", "internal/provider/rfc2136", "internal/provider/route53"},
	"internal/reconcile":      {"internal/provider", "internal/plan", "internal/model"},
	"internal/archtest":       {},
	"internal/buildinfo":      {},
	"internal/completion":     {},
	"internal/config/gendocs": {"internal/config"},
	".":                       {}, // the module's root: the embedded NOTICE
}

// pure packages do no I/O and do not log.
var pure = map[string]bool{"internal/model": true, "internal/engine": true, "internal/plan": true, "internal/health/target": true}

var impure = []string{"os", "log", "log/slog", "net", "net/http", "io/ioutil", "os/exec"}

type pkg struct {
	imports []string
	doc     bool
}

func loadPackages(t *testing.T) map[string]*pkg {
	t.Helper()
	root := filepath.Join("..", "..")
	pkgs := map[string]*pkg{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".")) && path != root {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		rel, _ := filepath.Rel(root, filepath.Dir(path))
		rel = filepath.ToSlash(rel)
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly|parser.ParseComments)
		if err != nil {
			return err
		}
		p := pkgs[rel]
		if p == nil {
			p = &pkg{}
			pkgs[rel] = p
		}
		p.doc = p.doc || f.Doc != nil && strings.HasPrefix(f.Doc.Text(), docPrefix(f.Name.Name))
		for _, im := range f.Imports {
			s, _ := strconv.Unquote(im.Path.Value)
			p.imports = append(p.imports, s)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return pkgs
}

func docPrefix(name string) string {
	if name == "main" {
		return "Command "
	}
	return "Package " + name + " "
}

func TestImportGraph(t *testing.T) {
	for dir, p := range loadPackages(t) {
		if strings.HasPrefix(dir, "cmd/") || strings.HasPrefix(dir, "bench/") {
			continue // wiring and benchmark tools may import anything
		}
		ok, listed := allowed[dir]
		if !listed {
			t.Errorf("%s is not in the import table of arch_test.go (and DESIGN.md)", dir)
			continue
		}
		for _, im := range p.imports {
			if strings.HasPrefix(im, module) && !slices.Contains(ok, strings.TrimPrefix(im, module)) {
				t.Errorf("%s imports %s, which DESIGN.md does not allow", dir, im)
			}
			if pure[dir] && slices.Contains(impure, im) {
				t.Errorf("%s imports %s, but must do no I/O and not log", dir, im)
			}
		}
	}
}

// TestCmdIsWiring: cmd/signpost parses flags, maps signals and sets exit
// codes; the AWS SDK and the metrics registry belong to the packages that
// build and run a node.
func TestCmdIsWiring(t *testing.T) {
	for dir, p := range loadPackages(t) {
		if !strings.HasPrefix(dir, "cmd/") {
			continue
		}
		for _, im := range p.imports {
			if strings.HasPrefix(im, "github.com/aws/") || strings.HasPrefix(im, "github.com/prometheus/") {
				t.Errorf("%s imports %s: only wiring belongs in cmd", dir, im)
			}
		}
	}
}

func TestPackageDocs(t *testing.T) {
	for dir, p := range loadPackages(t) {
		if !p.doc {
			t.Errorf("%s has no package doc comment", dir)
		}
	}
}

func TestNoInit(t *testing.T) {
	root := filepath.Join("..", "..")
	_ = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		src, err := os.ReadFile(path)
		if err == nil && strings.Contains(string(src), "\nfunc init()") {
			t.Errorf("%s has an init function; wire explicitly instead", path)
		}
		return nil
	})
}
