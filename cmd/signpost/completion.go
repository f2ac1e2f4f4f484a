package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"maps"
	"slices"

	"github.com/signpost-dns/signpost/internal/completion"
)

// cmdCompletion prints a completion script built from every command's own
// --help, so it lists the flags the commands have.
func cmdCompletion(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) != 1 || (args[0] != "bash" && args[0] != "zsh") {
		fmt.Fprintln(stderr, "Usage: signpost completion bash|zsh\n\n  bash: source <(signpost completion bash), or save it in /etc/bash_completion.d/signpost\n  zsh:  signpost completion zsh > \"${fpath[1]}/_signpost\"")
		return 2
	}
	var cmds []completion.Command
	for _, name := range slices.Sorted(maps.Keys(commands())) {
		var help bytes.Buffer
		commands()[name](ctx, []string{"--help"}, io.Discard, &help)
		cmds = append(cmds, completion.ParseHelp(name, help.String()))
	}
	if args[0] == "bash" {
		fmt.Fprint(stdout, completion.Bash("signpost", cmds))
	} else {
		fmt.Fprint(stdout, completion.Zsh("signpost", cmds))
	}
	return 0
}
