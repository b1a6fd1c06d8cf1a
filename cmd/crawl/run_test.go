package main

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestRunUnreachableSeed: the crawl finishes, but a seed that cannot be
// reached at all makes the exit status 1, with the seed named on stderr.
func TestRunUnreachableSeed(t *testing.T) {
	dir := t.TempDir()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte("<html><head><title>某县人民政府</title></head><body><a href=\"/xxgk/\">政府信息公开</a></body></html>"))
	}))
	defer srv.Close()
	closed := httptest.NewServer(http.NotFoundHandler())
	deadURL := closed.URL + "/"
	closed.Close() // nothing listens there any more
	seedFile := filepath.Join(dir, "seeds.csv")
	os.WriteFile(seedFile, []byte("url,agency\n"+srv.URL+"/,某县人民政府\n"+deadURL+",不可达县\nnot a url,坏行\n"), 0o644)
	r := crawl(t, dir, "run", "--quiet", "--seeds", seedFile, "--allow-private", "--rate", "0", "--timeout", "5s", "--retries", "0", "--db", filepath.Join(dir, "a.db"))
	lines := r.stderrLines()
	if r.code != 1 || len(lines) != 2 || !strings.Contains(lines[0], "seeds.csv:4") ||
		!strings.Contains(lines[1], "1 of 2 seeds could not be reached at all: "+deadURL) {
		t.Errorf("exit %d stderr %q", r.code, r.stderr)
	}
	if !strings.Contains(r.stdout, "crawl done") || !strings.Contains(r.stdout, "seed "+deadURL+": unreachable") {
		t.Errorf("summary %q", r.stdout)
	}
	// Without --allow-private a loopback seed is refused: a public crawl
	// never touches the local network.
	r = crawl(t, dir, "run", "--seeds", seedFile, "--rate", "0", "--retries", "0", "--db", filepath.Join(dir, "b.db"))
	if r.code != 1 || !strings.Contains(r.stderr, "2 of 2 seeds could not be reached") {
		t.Errorf("private seeds allowed? exit %d stderr %q", r.code, r.stderr)
	}
}

// TestRunInterrupt: SIGINT stops a crawl cleanly (exit 1, one line saying
// so) instead of waiting for a server that never answers.
func TestRunInterrupt(t *testing.T) {
	dir := t.TempDir()
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			http.NotFound(w, r)
			return
		}
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	defer srv.Close()
	defer close(release)
	seedFile := filepath.Join(dir, "seeds.txt")
	os.WriteFile(seedFile, []byte(srv.URL+"/\n"), 0o644)
	cmd := exec.Command(bin, "run", "--seeds", seedFile, "--allow-private", "--rate", "0", "--timeout", "10m", "--db", filepath.Join(dir, "a.db"))
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// The crawl has begun once the holder note is out (and the seed's
	// request is waiting on the server).
	waitHolder(t, filepath.Join(dir, "a.db"), cmd.Process.Pid)
	time.Sleep(500 * time.Millisecond)
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		ee, ok := err.(*exec.ExitError)
		if !ok || ee.ExitCode() != 1 || !strings.Contains(stderr.String(), "interrupted") {
			t.Errorf("after SIGINT: %v, stderr %q stdout %q", err, stderr.String(), stdout.String())
		}
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		t.Fatal("crawl run did not stop within 30s of SIGINT")
	}
	// The archive is closed cleanly: it opens at once.
	r := mustCrawl(t, dir, "stats", "--db", filepath.Join(dir, "a.db"))
	if !strings.Contains(r.stdout, "crawl runs        1") {
		t.Errorf("stats after interrupt: %s", r.stdout)
	}
}
