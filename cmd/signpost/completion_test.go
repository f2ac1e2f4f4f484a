package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// The bash script completes commands, subcommands, flags and file names
// in a real bash, from the commands' own flags.
func TestBashCompletion(t *testing.T) {
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("no bash")
	}
	code, script, errs := runCmd("completion", "bash")
	if code != 0 {
		t.Fatalf("code %d: %s", code, errs)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "signpost.bash")
	if err := os.WriteFile(path, []byte(script), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "zones.yaml"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		line string // the words typed, the last one being completed
		want string // COMPREPLY, space-separated
	}{
		{"signpost pl", "plan"},
		{"signpost v", "validate version"},
		{"signpost plan --de", "--detailed-exitcode"},
		{"signpost plan -", "--config --detailed-exitcode --out -v --zone"},
		{"signpost token ", "create list revoke"},
		{"signpost token create --re", "--read-only"},
		{"signpost completion ", "bash zsh"},
		{"signpost serve --config zon", "zones.yaml"},
		{"signpost version --", "--verbose"},
	} {
		words := strings.Split(tc.line, " ")
		var quoted []string
		for _, w := range words {
			quoted = append(quoted, "'"+w+"'")
		}
		sh := "source " + path + "; COMP_WORDS=(" + strings.Join(quoted, " ") + "); COMP_CWORD=" +
			strconv.Itoa(len(words)-1) + "; _signpost; echo \"${COMPREPLY[*]}\""
		cmd := exec.Command("bash", "--norc", "-c", sh)
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%q: %v\n%s", tc.line, err, out)
		}
		if got := strings.TrimSpace(string(out)); got != tc.want {
			t.Errorf("%q completes to %q, want %q", tc.line, got, tc.want)
		}
	}
}

// The zsh script is valid zsh, where zsh is installed (scripts/test.sh
// installs it).
func TestZshCompletion(t *testing.T) {
	code, script, _ := runCmd("completion", "zsh")
	if code != 0 || !strings.HasPrefix(script, "#compdef signpost\n") || !strings.Contains(script, "'--detailed-exitcode[") {
		t.Fatalf("code %d script:\n%s", code, script)
	}
	if _, err := exec.LookPath("zsh"); err != nil {
		t.Skip("no zsh")
	}
	path := filepath.Join(t.TempDir(), "_signpost")
	if err := os.WriteFile(path, []byte(script), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("zsh", "-n", path).CombinedOutput(); err != nil {
		t.Fatalf("zsh -n: %v\n%s", err, out)
	}
}
