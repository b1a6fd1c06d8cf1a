package main

import (
	"bufio"
	"io"
	"net/http"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestServe starts `crawl serve` on a free port, fetches the start page and
// one agency's page, and stops it with SIGINT (exit 0).
func TestServe(t *testing.T) {
	ta := newTestArchive(t)
	cmd := exec.Command(bin, "serve", "--db", ta.db, "--addr", "127.0.0.1:0")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		t.Fatalf("no address printed: %v (stderr %q)", err, stderr.String())
	}
	i := strings.Index(line, "http://")
	if i < 0 {
		t.Fatalf("line %q", line)
	}
	base := strings.Fields(line[i:])[0]
	get := func(path string) string {
		resp, err := http.Get(base + strings.TrimPrefix(path, "/"))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 {
			t.Errorf("GET %s: %d", path, resp.StatusCode)
		}
		return string(b)
	}
	if page := get("/?q=" + "新前"); !strings.Contains(page, "新前街道") {
		t.Errorf("search page lacks 新前街道")
	}
	if jsonl := get("/export/jsonl?agency=" + "新前街道"); strings.Count(jsonl, "\n") != 3 {
		t.Errorf("served jsonl export of 新前街道 has %d lines, want 3 versions", strings.Count(jsonl, "\n"))
	}
	cmd.Process.Signal(syscall.SIGINT)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("serve after SIGINT: %v, stderr %q", err, stderr.String())
		}
	case <-time.After(20 * time.Second):
		t.Fatal("serve did not stop on SIGINT")
	}
	// The address is in use: bad input, exit 2.
	r := crawl(t, ta.dir, "serve", "--db", ta.db, "--addr", "256.0.0.1:80")
	if r.code != 2 || len(r.stderrLines()) != 1 {
		t.Errorf("bad address: exit %d stderr %q", r.code, r.stderr)
	}
}
