// Command gendocs writes docs/config.md and docs/signpost.schema.json from
// the config package's types (go generate ./internal/config).
package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/signpost-dns/signpost/internal/config"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: gendocs DIR")
		os.Exit(2)
	}
	md, schema, err := config.Reference()
	if err == nil {
		err = os.WriteFile(filepath.Join(os.Args[1], "config.md"), md, 0o644)
	}
	if err == nil {
		err = os.WriteFile(filepath.Join(os.Args[1], "signpost.schema.json"), schema, 0o644)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "gendocs:", err)
		os.Exit(1)
	}
}
