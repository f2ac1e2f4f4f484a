package main

import (
	"context"
	"fmt"
	"io"

	"github.com/signpost-dns/signpost/internal/server"
)

func cmdToken(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlags("token", "token create|list|revoke --config FILE [--name NAME] [--read-only] [NAME]", stderr)
	cfgPath := fs.String("config", "signpost.yaml", "configuration file")
	name := fs.String("name", "", "the token's name (create)")
	readOnly := fs.Bool("read-only", false, "the token may only read (create)")
	pos, code, ok := parse(fs, args)
	if !ok {
		return code
	}
	if len(pos) == 0 {
		fs.Usage()
		return 2
	}
	var err error
	switch {
	case pos[0] == "create" && len(pos) == 1:
		var token string
		if token, err = server.CreateToken(ctx, *cfgPath, *name, *readOnly); err == nil {
			fmt.Fprintf(stdout, "created token %q (read-only: %v); it is shown once, on the next line:\n%s\n", *name, *readOnly, token)
		}
	case pos[0] == "list" && len(pos) == 1:
		err = listTokens(ctx, *cfgPath, stdout)
	case pos[0] == "revoke" && len(pos) == 2:
		if err = server.RevokeToken(ctx, *cfgPath, pos[1]); err == nil {
			fmt.Fprintf(stdout, "revoked %s\n", pos[1])
		}
	default:
		fs.Usage()
		return 2
	}
	if err != nil {
		fmt.Fprintf(stderr, "signpost: token %s: %v\n", pos[0], err)
		return 1
	}
	return 0
}

func listTokens(ctx context.Context, path string, w io.Writer) error {
	toks, err := server.Tokens(ctx, path)
	for _, t := range toks {
		fmt.Fprintf(w, "%s\tread-only=%v\tcreated %s\n", t.Name, t.ReadOnly, t.Created.Format("2006-01-02 15:04:05Z"))
	}
	return err
}
