// Package zonefile reads zones in octoDNS's YamlProvider format: a directory
// of files named after their zone (example.com.yaml holds example.com.),
// each mapping record names to one record or a list of records.
//
// Every problem is reported with the file and line it comes from; the
// validation itself is model's.
package zonefile

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"

	"github.com/signpost-dns/signpost/internal/model"
)

// Ext is the file extension of a zone file.
const Ext = ".yaml"

// MaxFileSize bounds a zone file: about 2.5 million records, which load in
// about 3.5 GiB. A larger file is refused with a problem before it is
// read, so that no file can exhaust the server's memory.
const MaxFileSize = 256 << 20

// LoadDir reads every zone file in dir. The error is for I/O failures only;
// invalid content comes back as problems.
func LoadDir(dir string) ([]*model.Zone, model.Problems, error) {
	paths, err := Files(dir)
	if err != nil {
		return nil, nil, err
	}
	files, err := LoadFiles(paths)
	if err != nil {
		return nil, nil, err
	}
	zones, probs := Gather(files)
	return zones, probs, nil
}

// Files lists the zone files in dir, sorted.
func Files(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("reading zones directory: %w", err)
	}
	var paths []string
	for _, e := range entries {
		if !e.IsDir() && strings.HasSuffix(e.Name(), Ext) {
			paths = append(paths, filepath.Join(dir, e.Name()))
		}
	}
	sort.Strings(paths)
	return paths, nil
}

// File is one zone file as read: its zone (nil when the file is not a
// YAML mapping) and its problems.
type File struct {
	Zone     *model.Zone
	Problems model.Problems
}

// Gather returns the zones of files, in their order, and all their
// problems.
func Gather(files []File) ([]*model.Zone, model.Problems) {
	var zones []*model.Zone
	var probs model.Problems
	for _, f := range files {
		probs = append(probs, f.Problems...)
		if f.Zone != nil {
			zones = append(zones, f.Zone)
		}
	}
	return zones, probs
}

// LoadFiles reads the zone files at paths on every CPU, in their order.
// The error is for I/O failures only.
func LoadFiles(paths []string) ([]File, error) {
	results := make([]parsed, len(paths))
	parseAll(paths, results)
	files := make([]File, len(paths))
	for i, r := range results {
		if r.err != nil {
			return nil, r.err
		}
		files[i] = r.File
	}
	return files, nil
}

type parsed struct {
	File
	err error
}

// parseAll parses the files on every CPU; results keep the files' order.
func parseAll(paths []string, results []parsed) {
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(paths)) {
		wg.Go(func() {
			for i := range next {
				results[i] = parseFile(paths[i])
			}
		})
	}
	for i := range paths {
		next <- i
	}
	close(next)
	wg.Wait()
}

func parseFile(path string) parsed {
	fi, err := os.Stat(path)
	if err != nil {
		return parsed{err: fmt.Errorf("reading zone file: %w", err)}
	}
	if fi.Size() > MaxFileSize {
		return parsed{File: File{Problems: model.Problems{{File: path, Name: ZoneName(path),
			Reason: fmt.Sprintf("zone file is %d MiB; zone files are read up to %d MiB (serve a zone this large from the store)", fi.Size()>>20, MaxFileSize>>20)}}}}
	}
	src, err := os.ReadFile(path)
	if err != nil {
		return parsed{err: fmt.Errorf("reading zone file: %w", err)}
	}
	z, probs := Parse(path, ZoneName(path), src)
	return parsed{File: File{Zone: z, Problems: probs}}
}

// ZoneName derives a zone's name from its file name: "example.com.yaml"
// holds "example.com.".
// A UTF-8 file name is the zone's IDNA form ("café.test.yaml" holds
// "xn--caf-dma.test."), as octoDNS names it.
func ZoneName(file string) string {
	name := strings.ToLower(strings.TrimSuffix(filepath.Base(file), Ext))
	if !strings.HasSuffix(name, ".") {
		name += "."
	}
	if enc, err := model.IDNA(name); err == nil {
		name = enc // an invalid one fails as a zone name, later
	}
	return name
}

// Parse reads one zone file's content. The zone is nil only when the file
// is not a YAML mapping at all.
func Parse(file, zone string, src []byte) (*model.Zone, model.Problems) {
	root, docProbs, err := readYAML(src)
	if err != nil {
		return nil, model.Problems{{File: file, Line: errorLine(err), Name: zone, Reason: yamlReason(err)}}
	}
	z := &model.Zone{Name: zone, File: file}
	if root == nil {
		return z, nil // an empty file is an empty zone
	}
	if root.Kind != model.KindMap {
		return nil, model.Problems{{File: file, Line: root.Line, Name: zone, Reason: "a zone file must map record names to records"}}
	}
	z.Records = make([]*model.Record, 0, len(root.Keys))
	probs := model.Problems(docProbs)
	for i := range probs {
		probs[i].Name = zone
	}
	for i, name := range root.Keys {
		for _, d := range recordsAt(root.Values[i]) {
			rec, p := model.ParseRecord(zone, name, d)
			probs = append(probs, p...)
			if rec != nil {
				z.Records = append(z.Records, rec)
			}
		}
	}
	probs = append(probs, model.ValidateZone(z)...)
	for i := range probs {
		probs[i].File = file
	}
	newDetacher(len(src)).zone(z, probs)
	return z, probs
}

// readYAML reads a zone file's document: by the fast reader when the file
// is in its subset, else by yaml.v3. root is nil for an empty document.
func readYAML(src []byte) (root *model.Data, probs []model.Problem, err error) {
	if d, p, ok := readFast(src); ok {
		return d, p, nil
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil {
		return nil, nil, err
	}
	if len(doc.Content) == 0 {
		return nil, nil, nil
	}
	conv := &converter{}
	return conv.convert(doc.Content[0]), conv.probs, nil
}

func recordsAt(d *model.Data) []*model.Data {
	if d.Kind == model.KindList {
		return d.Items
	}
	return []*model.Data{d}
}

var lineRE = regexp.MustCompile(`line (\d+)`)

func errorLine(err error) int {
	m := lineRE.FindStringSubmatch(err.Error())
	if m == nil {
		return 0
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

func yamlReason(err error) string {
	s := strings.TrimPrefix(err.Error(), "yaml: ")
	s = lineRE.ReplaceAllString(s, "")
	s = strings.TrimLeft(s, ": ")
	return "invalid YAML: " + strings.ReplaceAll(s, "\n", " ")
}
