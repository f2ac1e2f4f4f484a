package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/signpost-dns/signpost"
	"github.com/signpost-dns/signpost/internal/buildinfo"
)

func cmdVersion(_ context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("version", flag.ContinueOnError)
	fs.SetOutput(stderr)
	verbose := fs.Bool("verbose", false, "also print the licence and the embedded data's attributions")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	fmt.Fprintln(stdout, buildinfo.Read())
	if *verbose {
		fmt.Fprintf(stdout, "\n%s", signpost.Notice)
	}
	return 0
}
