package config

import (
	"encoding/json"
	"reflect"
	"strings"
	"time"
)

// schemaID is where editors find the schema: the file in the repository.
const schemaID = "https://github.com/signpost-dns/signpost/raw/main/docs/signpost.schema.json"

// referenceSchema is a JSON Schema (2020-12) of signpost.yaml: every key
// with its type, description, default and allowed values, and no others.
func referenceSchema(docs map[string]string, t reflect.Type, def reflect.Value) ([]byte, error) {
	root := objectSchema(docs, t, def)
	root["$schema"] = "https://json-schema.org/draft/2020-12/schema"
	root["$id"] = schemaID
	root["title"] = "signpost.yaml"
	root["description"] = docs["Config"]
	b, err := json.MarshalIndent(root, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

func objectSchema(docs map[string]string, t reflect.Type, def reflect.Value) map[string]any {
	props := map[string]any{}
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if name == "" || name == "-" {
			continue
		}
		var fv reflect.Value
		if def.IsValid() {
			fv = def.Field(i)
		}
		s := typeSchema(docs, f.Type, fv)
		doc := docs[t.Name()+"."+f.Name]
		if sub, _ := structUnder(f.Type); doc == "" && sub != nil {
			doc = docs[sub.Name()]
		}
		if doc != "" {
			s["description"] = doc
		}
		if e := f.Tag.Get("enum"); e != "" {
			s["enum"] = strings.Split(e, ",")
		}
		if fv.IsValid() && !fv.IsZero() && f.Type.Kind() != reflect.Struct {
			s["default"] = jsonDefault(fv.Interface())
		}
		props[name] = s
	}
	return map[string]any{"type": "object", "properties": props, "additionalProperties": false}
}

func typeSchema(docs map[string]string, t reflect.Type, v reflect.Value) map[string]any {
	switch {
	case t == durationType:
		return map[string]any{"type": []string{"string", "number"}, "pattern": `^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$|^[0-9]+$`}
	case t.Kind() == reflect.Pointer:
		return typeSchema(docs, t.Elem(), reflect.Value{})
	case t.Kind() == reflect.Struct:
		return objectSchema(docs, t, v)
	case t.Kind() == reflect.Map:
		return map[string]any{"type": "object", "additionalProperties": typeSchema(docs, t.Elem(), reflect.Value{})}
	case t.Kind() == reflect.Slice:
		return map[string]any{"type": "array", "items": typeSchema(docs, t.Elem(), reflect.Value{})}
	case t.Kind() == reflect.Bool:
		return map[string]any{"type": "boolean"}
	case t.Kind() >= reflect.Int && t.Kind() <= reflect.Uint64:
		return map[string]any{"type": "integer"}
	case t.Kind() == reflect.Float64 || t.Kind() == reflect.Float32:
		return map[string]any{"type": "number"}
	}
	return map[string]any{"type": "string"}
}

func jsonDefault(v any) any {
	if d, ok := v.(Duration); ok {
		return time.Duration(d).String()
	}
	return v
}
