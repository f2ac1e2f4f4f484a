// Command signpost is a DNS traffic manager: an authoritative DNS server
// that steers octoDNS dynamic records by location, weight and health.
//
// This package only wires the internal packages together.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/signpost-dns/signpost/internal/completion"
)

const usage = `signpost: DNS traffic manager

Usage:
  signpost serve    --config FILE          serve DNS until SIGINT or SIGTERM (SIGHUP reloads)
  signpost validate --config FILE          check the configuration and every zone
  signpost query    --config FILE [--client IP] [--subnet CIDR] NAME [TYPE]
                                           show the answer the server would give, and why
  signpost plan     --config FILE [--zone Z]... [-v] [--out plan.json] [--detailed-exitcode]
                                           show what apply would change at the providers
  signpost apply    --config FILE [--zone Z]... [--plan plan.json] [--force]
                                           push the zones to their providers
  signpost dump     --config FILE --zone Z --provider NAME --out DIR
                                           read a zone from a provider into octoDNS YAML
  signpost token create|list|revoke --config FILE [--name NAME] [--read-only]
                                           manage REST API tokens
  signpost import zinc --config FILE --from DSN [--target PROVIDER]
                                           read a zinc database into the store
  signpost agent    --config agent.yaml    keep this server in a round-robin name, take dead peers out
  signpost version [--verbose]             print the version (and the licence notices)
  signpost completion bash|zsh             print a shell completion script

Run 'signpost COMMAND --help' for a command's flags.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

type command = completion.Runner

// commands maps each command's name to its function.
func commands() map[string]command {
	return map[string]command{
		"serve":      cmdServe,
		"validate":   cmdValidate,
		"query":      cmdQuery,
		"plan":       cmdPlan,
		"apply":      cmdApply,
		"dump":       cmdDump,
		"token":      cmdToken,
		"import":     cmdImport,
		"agent":      cmdAgent,
		"version":    cmdVersion,
		"completion": cmdCompletion,
	}
}

// run executes one command and returns the exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	switch args[0] {
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	}
	cmd, ok := commands()[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "signpost: unknown command %q\n\n%s", args[0], usage)
		return 2
	}
	return cmd(ctx, args[1:], stdout, stderr)
}
