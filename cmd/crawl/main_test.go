package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// bin is the crawl binary built once for every test: the tests run the
// real command line with os/exec, as a user or a script would.
var bin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "crawl-test-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	bin = filepath.Join(dir, "crawl")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "build crawl: %v\n%s", err, out)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// result is one run of the binary.
type result struct {
	stdout, stderr string
	code           int
}

// stderrLines returns the non-empty lines written to stderr.
func (r result) stderrLines() []string {
	var out []string
	for _, l := range strings.Split(r.stderr, "\n") {
		if strings.TrimSpace(l) != "" {
			out = append(out, l)
		}
	}
	return out
}

// crawl runs the binary in dir with args; it never waits more than two
// minutes (a hang is a failure, not a stuck test run).
func crawl(t *testing.T, dir string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Dir = dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	r := result{stdout: stdout.String(), stderr: stderr.String()}
	if ctx.Err() != nil {
		t.Fatalf("crawl %s: still running after 2 minutes", strings.Join(args, " "))
	}
	if ee, ok := err.(*exec.ExitError); ok {
		r.code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("crawl %s: %v", strings.Join(args, " "), err)
	}
	return r
}

// mustCrawl runs the binary and fails the test unless it exits 0.
func mustCrawl(t *testing.T, dir string, args ...string) result {
	t.Helper()
	r := crawl(t, dir, args...)
	if r.code != 0 {
		t.Fatalf("crawl %s: exit %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), r.code, r.stdout, r.stderr)
	}
	return r
}

// wantError checks an exit status and a single clear stderr line.
func wantError(t *testing.T, r result, code int, contains string) {
	t.Helper()
	lines := r.stderrLines()
	if r.code != code || len(lines) != 1 || !strings.HasPrefix(lines[0], "crawl") || !strings.Contains(lines[0], contains) {
		t.Errorf("exit %d, stderr %q; want exit %d and one line containing %q", r.code, r.stderr, code, contains)
	}
}
