package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/signpost-dns/signpost/internal/provider/rfc2136/rfc2136test"
	"github.com/signpost-dns/signpost/internal/server/servertest"
)

func writeAgentConfig(t *testing.T, body string) string {
	path := filepath.Join(t.TempDir(), "agent.yaml")
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestAgentConfigErrors: every problem at once, exit 1, nothing started.
func TestAgentConfigErrors(t *testing.T) {
	path := writeAgentConfig(t, "record: www.example.com.\ntype: MX\nprovider: {type: azure}\nself: {address: nope}\ncheck: {protocol: FTP}\nquorum: some\n")
	code, _, errs := runCmd("agent", "--config", path)
	if code != 1 {
		t.Fatalf("exit %d, want 1", code)
	}
	for _, want := range []string{`type: "MX" is not A or AAAA`, `provider.type: "azure"`, `self.address: "nope"`, `check: protocol "FTP"`, `quorum: "some"`} {
		if !strings.Contains(errs, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errs)
		}
	}
}

// TestAgentUnreachableProvider: a server that does not answer is an error
// at start, and nothing is written.
func TestAgentUnreachableProvider(t *testing.T) {
	path := writeAgentConfig(t, "record: www.example.com.\nzone: example.com.\nprovider: {type: rfc2136, server: 127.0.0.1:1, timeout: 500ms}\n"+
		"self: {address: 127.0.0.21}\ncheck: {protocol: TCP, port: 1}\ninterval: 1s\ntimeout: 200ms\n")
	code, _, errs := runCmd("agent", "--config", path)
	if code != 1 || !strings.Contains(errs, "127.0.0.1:1") {
		t.Fatalf("exit %d, stderr %q; want 1 naming the server", code, errs)
	}
}

// TestAgentWithdrawOnStop: an agent registers itself, and on SIGTERM (its
// context ending) takes its address out first, exiting 0; another value
// keeps the record from going dark.
func TestAgentWithdrawOnStop(t *testing.T) {
	ns := rfc2136test.StartBIND(t, "example.com.")
	t.Setenv("AGENT_TSIG", ns.Key.Secret)
	cfg := func(addr string) string {
		return writeAgentConfig(t, fmt.Sprintf("record: www.example.com.\nprovider: {type: rfc2136, server: %s, tsig: {name: %s, secret: env/AGENT_TSIG}}\n"+
			"self: {address: %s}\ncheck: {command: [\"true\"]}\ninterval: 200ms\ntimeout: 100ms\nfailures: 2\nwithdraw_on_stop: true\nquorum: none\n", ns.Addr, ns.Key.Name, addr))
	}
	codes := make(chan int, 2)
	var cancels []context.CancelFunc
	for _, a := range []string{"127.0.0.21", "127.0.0.22"} {
		ctx, cancel := context.WithCancel(context.Background())
		cancels = append(cancels, cancel)
		path := cfg(a)
		go func() { codes <- run(ctx, []string{"agent", "--config", path}, io.Discard, io.Discard) }()
	}
	values := func() []string { return servertest.QueryA(ns.Addr, "www.example.com.") }
	servertest.WaitFor(t, 10*time.Second, "both register", func() bool { return slices.Equal(values(), []string{"127.0.0.21", "127.0.0.22"}) })
	start := time.Now()
	cancels[0]()
	if code := <-codes; code != 0 {
		t.Errorf("a stopped agent exited %d, want 0", code)
	}
	if took := time.Since(start); took > 3*time.Second {
		t.Errorf("stopping took %v", took)
	}
	if got := values(); !slices.Equal(got, []string{"127.0.0.22"}) {
		t.Errorf("after the first agent stopped: %v, want its address withdrawn", got)
	}
	cancels[1]()
	<-codes
	if got := values(); !slices.Equal(got, []string{"127.0.0.22"}) {
		t.Errorf("the last agent withdrew the last value: %v", got)
	}
}
