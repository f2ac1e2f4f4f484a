package main

import (
	"context"
	"fmt"
	"io"

	"github.com/signpost-dns/signpost/internal/agent"
)

func cmdAgent(ctx context.Context, args []string, _ io.Writer, stderr io.Writer) int {
	fs := newFlags("agent", "agent --config agent.yaml", stderr)
	cfgPath := fs.String("config", "agent.yaml", "the agent's configuration file")
	if _, code, ok := parse(fs, args); !ok {
		return code
	}
	cfg, err := agent.Load(*cfgPath)
	if err != nil {
		fmt.Fprintf(stderr, "signpost: agent: %v\n", err)
		return 1
	}
	if err := agent.Run(ctx, cfg, cfg.Log.Logger(stderr)); err != nil {
		fmt.Fprintf(stderr, "signpost: agent: %v\n", err)
		return 1
	}
	return 0
}
