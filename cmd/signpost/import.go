package main

import (
	"context"
	"fmt"
	"io"

	"github.com/signpost-dns/signpost/internal/server"
)

func cmdImport(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlags("import", "import zinc --config FILE --from DSN [--target PROVIDER]", stderr)
	cfgPath := fs.String("config", "signpost.yaml", "configuration file")
	from := fs.String("from", "", "zinc's database: a SQLite file (db.sqlite3), postgres://... or mysql://USER@HOST:PORT/DB")
	target := fs.String("target", "", "the Route53 provider zinc's zones are at (default: the one configured)")
	pos, code, ok := parse(fs, args)
	if !ok {
		return code
	}
	if len(pos) != 1 || pos[0] != "zinc" || *from == "" {
		fs.Usage()
		return 2
	}
	rep, err := server.ImportZinc(ctx, *cfgPath, *from, *target)
	if err != nil {
		fmt.Fprintf(stderr, "signpost: import zinc: %v\n", err)
		return 1
	}
	rep.Print(stdout)
	fmt.Fprintln(stdout, "zinc's database was only read. Run `signpost plan` to see what would change at the provider.")
	return 0
}
