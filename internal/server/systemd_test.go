package server_test

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/signpost-dns/signpost/internal/server"
	"github.com/signpost-dns/signpost/internal/server/servertest"
)

// The node tells systemd it is ready only once DNS answers, keeps its
// watchdog fed while it answers, and reports reloads and its stop, over a
// real NOTIFY_SOCKET datagram socket as systemd's.
func TestSystemdNotify(t *testing.T) {
	sock := filepath.Join(t.TempDir(), "notify")
	conn, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: sock, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	t.Setenv("NOTIFY_SOCKET", sock)
	t.Setenv("WATCHDOG_USEC", "200000")
	t.Setenv("WATCHDOG_PID", fmt.Sprint(os.Getpid()))
	n := start(t, servertest.Workspace(t, servertest.ZoneV1, ""), server.Options{})

	first := next(t, conn)
	if !strings.HasPrefix(first, "READY=1\nSTATUS=serving 1 zones") {
		t.Fatalf("first message %q, want READY=1 with a status", first)
	}
	if got := servertest.QueryA(n.dns, "ns1.example.com."); len(got) == 0 {
		t.Error("READY=1 was sent, but the listener does not answer")
	}
	for range 3 {
		if m := next(t, conn); m != "WATCHDOG=1" {
			t.Fatalf("got %q, want WATCHDOG=1 every 100 ms", m)
		}
	}
	if err := n.Reload(context.Background(), "test"); err != nil {
		t.Fatal(err)
	}
	want := []string{"RELOADING=1\nMONOTONIC_USEC=", "READY=1"}
	for len(want) > 0 {
		m := next(t, conn)
		if m == "WATCHDOG=1" {
			continue
		}
		if !strings.HasPrefix(m, want[0]) {
			t.Fatalf("got %q, want %q", m, want[0])
		}
		want = want[1:]
	}
	if err := n.stop(); err != nil {
		t.Fatal(err)
	}
	for {
		m := next(t, conn)
		if m == "STOPPING=1" {
			return
		}
		if m != "WATCHDOG=1" {
			t.Fatalf("got %q, want STOPPING=1", m)
		}
	}
}

// next reads one notification, failing after 5 s.
func next(t *testing.T, c *net.UnixConn) string {
	t.Helper()
	buf := make([]byte, 4096)
	_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
	n, err := c.Read(buf)
	if err != nil {
		t.Fatalf("no notification: %v", err)
	}
	return string(buf[:n])
}
