package main

import (
	"context"
	"fmt"
	"io"

	"github.com/signpost-dns/signpost/internal/completion"
)

func cmdCompletion(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	shell := ""
	if len(args) == 1 {
		shell = args[0]
	}
	script, err := completion.Script(ctx, shell, "signpost", commands())
	if err != nil {
		fmt.Fprintln(stderr, "Usage: signpost completion bash|zsh\n\n  bash: source <(signpost completion bash), or save it in /etc/bash_completion.d/signpost\n  zsh:  signpost completion zsh > \"${fpath[1]}/_signpost\"")
		return 2
	}
	fmt.Fprint(stdout, script)
	return 0
}
