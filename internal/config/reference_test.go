package config

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"go.yaml.in/yaml/v3"
)

// docs/config.md and docs/signpost.schema.json are what go generate
// makes from the types now; a key added without regenerating fails here.
func TestReferenceIsCurrent(t *testing.T) {
	md, schema, err := Reference()
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string][]byte{"config.md": md, "signpost.schema.json": schema} {
		got, err := os.ReadFile(filepath.Join("..", "..", "docs", name))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("docs/%s is out of date: run go generate ./internal/config", name)
		}
	}
	for _, line := range strings.Split(string(md), "\n") {
		if cells := strings.Split(line, "|"); len(cells) == 6 && strings.HasPrefix(cells[1], " `") && strings.TrimSpace(cells[4]) == "" {
			t.Errorf("%s has no description: write a comment on its field in config.go", strings.TrimSpace(cells[1]))
		}
	}
}

// The schema accepts every configuration the project ships and that Parse
// accepts, and rejects what Parse rejects for its shape.
func TestSchemaValidates(t *testing.T) {
	_, schema, err := Reference()
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(schema))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource(schemaID, doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile(schemaID)
	if err != nil {
		t.Fatal(err)
	}
	shipped, _ := filepath.Glob("../../examples/*/signpost.yaml")
	contrib, _ := filepath.Glob("../../contrib/*/signpost.yaml")
	shipped = append(shipped, contrib...)
	if len(shipped) < 2 {
		t.Fatalf("found only %v", shipped)
	}
	for _, path := range shipped {
		src, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := sch.Validate(instance(t, src)); err != nil {
			t.Errorf("%s: %v", path, err)
		}
	}
	for _, tc := range []struct{ name, src string }{
		{"unknown key", "dns: {listne: [127.0.0.1:53]}\n"},
		{"log level", "log: {level: loud}\n"},
		{"provider type", "providers: {p: {type: cloudflare}}\n"},
		{"duration", "healthcheck: {interval: soon}\n"},
		{"list", "dns: {listen: 127.0.0.1:53}\n"},
	} {
		if err := sch.Validate(instance(t, []byte(tc.src))); err == nil {
			t.Errorf("%s: the schema accepts %q", tc.name, tc.src)
		}
		if _, err := Parse("test.yaml", []byte(tc.src)); err == nil {
			t.Errorf("%s: Parse accepts %q", tc.name, tc.src)
		}
	}
}

// instance decodes YAML into the JSON values a validator takes.
func instance(t *testing.T, src []byte) any {
	t.Helper()
	var v any
	if err := yaml.Unmarshal(src, &v); err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return inst
}
