package server_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/signpost-dns/signpost/internal/server"
	"github.com/signpost-dns/signpost/internal/server/servertest"
)

// smallDisk mounts a tmpfs of size bytes for the test, or skips it where
// mounting is not allowed (CI runs as root and mounts).
func smallDisk(t *testing.T, size string) string {
	t.Helper()
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size="+size, "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a small disk here: %v %s", err, out)
	}
	t.Cleanup(func() { _ = exec.Command("umount", "-l", dir).Run() })
	return dir
}

// fill writes a file into dir until the disk is full.
func fill(t *testing.T, dir string) string {
	t.Helper()
	path := filepath.Join(dir, "filler")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	buf := make([]byte, 4096)
	for {
		if _, err := f.Write(buf); err != nil {
			if !errors.Is(err, syscall.ENOSPC) {
				t.Fatal(err)
			}
			return path
		}
	}
}

// TestStoreDiskFull: with the SQLite store's disk full, an API write fails
// with 507 and a clear message, nothing of it is stored, DNS keeps
// answering, and once space is freed writes succeed and are served.
func TestStoreDiskFull(t *testing.T) {
	disk := smallDisk(t, "4m")
	cfg, rw := storeWorkspaceAt(t, filepath.Join(disk, "signpost.db"), "")
	n := start(t, cfg, server.Options{})
	admin := api{t, "http://" + n.http, rw}
	var z struct{ ID string }
	admin.must(201, "POST", "/api/v1/zones", map[string]any{"root": "example.org"}, &z)
	admin.must(201, "POST", "/api/v1/zones/"+z.ID+"/records", map[string]any{"name": "www", "type": "A", "values": []string{"127.0.4.1"}}, nil)
	waitFor(t, "the first record served", func() bool { return slices.Equal(servertest.QueryA(n.dns, "www.example.org."), []string{"127.0.4.1"}) })

	filler := fill(t, disk)
	created, failed := []string{}, ""
	long := strings.Repeat("x", 250)
	for i := range 400 {
		name := fmt.Sprintf("r%d", i)
		values := []string{}
		for j := range 8 {
			values = append(values, fmt.Sprintf("%d %s", j, long))
		}
		var body map[string]any
		status := admin.do("POST", "/api/v1/zones/"+z.ID+"/records", map[string]any{"name": name, "type": "TXT", "values": values}, &body)
		if status == 201 {
			created = append(created, name)
			continue
		}
		if status != 507 || !strings.Contains(fmt.Sprint(body["detail"]), "disk is full") {
			t.Fatalf("a write on a full disk: HTTP %d %v, want 507 naming the full disk", status, body)
		}
		failed = name
		break
	}
	if failed == "" {
		t.Fatal("the disk never filled up")
	}
	t.Logf("%d records written on the full disk before %s was refused", len(created), failed)
	var records []struct{ Name string }
	admin.must(200, "GET", "/api/v1/zones/"+z.ID+"/records", nil, &records)
	var names []string
	for _, r := range records {
		names = append(names, r.Name)
	}
	if slices.Contains(names, failed) || len(names) != len(created)+1 {
		t.Fatalf("after the failed write of %s the store holds %v; want www and %v", failed, names, created)
	}
	if got := servertest.QueryA(n.dns, "www.example.org."); !slices.Equal(got, []string{"127.0.4.1"}) {
		t.Fatalf("DNS on a full disk: %v", got)
	}

	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	admin.must(201, "POST", "/api/v1/zones/"+z.ID+"/records", map[string]any{"name": "after", "type": "A", "values": []string{"127.0.4.2"}}, nil)
	waitFor(t, "a write after space was freed served", func() bool {
		return slices.Equal(servertest.QueryA(n.dns, "after.example.org."), []string{"127.0.4.2"})
	})
}

// TestStoreUnavailable: PostgreSQL goes away under a serving node. DNS
// keeps answering from what was compiled, API calls fail with 503, a
// reload fails and keeps the state served; when the database is back,
// writes succeed and are served.
func TestStoreUnavailable(t *testing.T) {
	url := servertest.PostgresURL(t)
	if url == "" {
		t.Skip(servertest.PostgresEnv + " is not set (scripts/test.sh sets it)")
	}
	proxy := servertest.NewProxy(t, "127.0.0.1:5432")
	cfg, rw := storeWorkspaceAt(t, strings.Replace(url, "127.0.0.1:5432", proxy.Addr(), 1), "")
	n := start(t, cfg, server.Options{})
	admin := api{t, "http://" + n.http, rw}
	var z struct{ ID string }
	admin.must(201, "POST", "/api/v1/zones", map[string]any{"root": "example.org"}, &z)
	admin.must(201, "POST", "/api/v1/zones/"+z.ID+"/records", map[string]any{"name": "www", "type": "A", "values": []string{"127.0.4.1"}}, nil)
	waitFor(t, "the record served", func() bool { return slices.Equal(servertest.QueryA(n.dns, "www.example.org."), []string{"127.0.4.1"}) })

	proxy.Cut()
	var body map[string]any
	if status := admin.do("POST", "/api/v1/zones/"+z.ID+"/records", map[string]any{"name": "x", "type": "A", "values": []string{"127.0.4.3"}}, &body); status != 503 {
		t.Fatalf("a write with the store gone: HTTP %d %v, want 503", status, body)
	}
	if err := n.Reload(context.Background(), "test"); err == nil {
		t.Fatal("a reload with the store gone reported no error")
	}
	for range 50 {
		if got := servertest.QueryA(n.dns, "www.example.org."); !slices.Equal(got, []string{"127.0.4.1"}) {
			t.Fatalf("DNS with the store gone: %v", got)
		}
		if got := servertest.QueryA(n.dns, "www.example.com."); len(got) == 0 {
			t.Fatal("the zone file's record went dark with the store gone")
		}
	}

	proxy.Restore()
	waitFor(t, "writes accepted again", func() bool {
		return admin.do("POST", "/api/v1/zones/"+z.ID+"/records", map[string]any{"name": "after", "type": "A", "values": []string{"127.0.4.2"}}, nil) == 201
	})
	waitFor(t, "the write served", func() bool {
		return slices.Equal(servertest.QueryA(n.dns, "after.example.org."), []string{"127.0.4.2"})
	})
}
