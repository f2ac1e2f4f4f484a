package config

import (
	"fmt"
	"reflect"
	"strings"
)

// A field's allowed values are written once, in its enum struct tag: the
// checks below and the generated reference both read them from there.

// enumOf returns the values field of T allows.
func enumOf[T any](field string) []string {
	f, ok := reflect.TypeFor[T]().FieldByName(field)
	if !ok || f.Tag.Get("enum") == "" {
		panic("config: no enum tag on " + reflect.TypeFor[T]().Name() + "." + field)
	}
	return strings.Split(f.Tag.Get("enum"), ",")
}

// checkEnum returns an error naming where unless v is one of allowed.
func checkEnum(where, v string, allowed []string) error {
	for _, a := range allowed {
		if v == a {
			return nil
		}
	}
	return fmt.Errorf("%s: %q is not %s or %s", where, v, strings.Join(allowed[:len(allowed)-1], ", "), allowed[len(allowed)-1])
}
