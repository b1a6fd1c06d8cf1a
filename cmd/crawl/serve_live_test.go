package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gongkai/gongkai/archive"
	"github.com/gongkai/gongkai/internal/demoportal"
	"github.com/gongkai/gongkai/internal/web"
)

// proc is a crawl process a test runs in the background (a crawl run
// holding the archive, a server).
type proc struct {
	cmd            *exec.Cmd
	stdout, stderr *syncBuf
	waited         chan struct{} // closed when it has exited
	err            error         // its exit, once waited is closed
}

type syncBuf struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuf) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuf) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// startCrawl starts `crawl args...` in dir; the test's end kills it.
func startCrawl(t *testing.T, dir string, args ...string) *proc {
	t.Helper()
	p := &proc{cmd: exec.Command(bin, args...), stdout: &syncBuf{}, stderr: &syncBuf{}, waited: make(chan struct{})}
	p.cmd.Dir = dir
	p.cmd.Stdout, p.cmd.Stderr = p.stdout, p.stderr
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.err = p.cmd.Wait(); close(p.waited) }()
	t.Cleanup(func() {
		p.cmd.Process.Kill()
		<-p.waited
	})
	return p
}

// interrupt sends SIGINT and returns how the process exited.
func (p *proc) interrupt(t *testing.T) error {
	t.Helper()
	p.cmd.Process.Signal(syscall.SIGINT)
	select {
	case <-p.waited:
		return p.err
	case <-time.After(30 * time.Second):
		t.Fatalf("%s did not stop within 30s of SIGINT", strings.Join(p.cmd.Args, " "))
		return nil
	}
}

// server is a `crawl serve` process started by a test.
type server struct {
	*proc
	base string // http://127.0.0.1:port/
}

// startServe runs `crawl serve args...` in dir and waits for its address.
func startServe(t *testing.T, dir string, args ...string) *server {
	t.Helper()
	sv := &server{proc: startCrawl(t, dir, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...)...)}
	deadline := time.Now().Add(time.Minute)
	for sv.base == "" {
		out := sv.stdout.String()
		if i := strings.Index(out, "http://"); i >= 0 && strings.Contains(out[i:], " ") {
			sv.base = strings.Fields(out[i:])[0]
			break
		}
		select {
		case <-sv.waited:
			t.Fatalf("serve exited (%v) without an address: stderr %q", sv.err, sv.stderr.String())
		case <-time.After(10 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("no address printed in a minute (stderr %q)", sv.stderr.String())
		}
	}
	return sv
}

// get fetches path and returns status and body.
func (sv *server) get(path string) (int, string, error) {
	resp, err := http.Get(sv.base + strings.TrimPrefix(path, "/"))
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), err
}

type statusJSON struct {
	Crawl web.CrawlStatus
	Runs  []archive.Run
}

func (sv *server) status(t *testing.T) statusJSON {
	t.Helper()
	code, body, err := sv.get("/status.json")
	var st statusJSON
	if err != nil || code != 200 || json.Unmarshal([]byte(body), &st) != nil {
		t.Fatalf("/status.json: %d %v %q", code, err, body)
	}
	return st
}

// waitFor polls the server's status until ok, for at most a minute.
func (sv *server) waitFor(t *testing.T, what string, ok func(statusJSON) bool) statusJSON {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		if st := sv.status(t); ok(st) {
			return st
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("server never got to %s; stderr:\n%s", what, sv.stderr.String())
	return statusJSON{}
}

// stop sends SIGINT and wants exit 0.
func (sv *server) stop(t *testing.T) {
	t.Helper()
	if err := sv.interrupt(t); err != nil {
		t.Errorf("serve after SIGINT: %v\n%s", err, sv.stderr.String())
	}
}

func endedRuns(st statusJSON) int {
	n := 0
	for _, r := range st.Runs {
		if !r.Ended.IsZero() {
			n++
		}
	}
	return n
}

// TestServeEveryStaysUp: `crawl serve --seeds --every` crawls the demo portal
// into a new archive at once and again on schedule; 200 concurrent requests
// made while the scheduled crawl runs all answer 200, the status page
// shows the crawl, and the reports of the first crawl and the revision
// the second one found are visible without a restart.
func TestServeEveryStaysUp(t *testing.T) {
	p, dir, seedFile, db := slowDemo(t)
	sv := startServe(t, dir, "--db", db, "--seeds", seedFile, "--every", "5s", "--allow-private", "--rate", "5", "--progress-every", "300ms")

	first := sv.waitFor(t, "the end of the first crawl", func(st statusJSON) bool { return endedRuns(st) == 1 && !st.Crawl.Running })
	if first.Crawl.Schedule != "every 5s" || first.Crawl.Next.IsZero() || first.Crawl.Reports == 0 || first.Crawl.SeedsDone != len(p.Seeds()) {
		t.Errorf("status after the first crawl: %+v", first.Crawl)
	}
	var xq demoportal.Served
	for _, s := range p.Truth() {
		if s.Kind == demoportal.KindReport && s.Agency == "新前街道" {
			xq = s
		}
	}
	if _, page, _ := sv.get("/?q=" + url.QueryEscape("新前")); !strings.Contains(page, "新前街道") {
		t.Fatalf("新前街道 not found after the first crawl")
	}
	_, before, _ := sv.get("/export/jsonl?agency=" + url.QueryEscape("新前街道"))
	if err := p.Revise(xq.Report.ID); err != nil {
		t.Fatal(err)
	}

	running := sv.waitFor(t, "the scheduled second crawl", func(st statusJSON) bool { return st.Crawl.Running && len(st.Runs) == 2 })
	if !strings.HasPrefix(running.Crawl.Who, "scheduled crawl") {
		t.Errorf("running crawl started by %q", running.Crawl.Who)
	}
	paths := []string{"/", "/?q=" + url.QueryEscape("同江"), "/agency?name=" + url.QueryEscape("新前街道"), "/status",
		"/status.json", "/export/jsonl?agency=" + url.QueryEscape("新前街道"), "/export/csv?agency=" + url.QueryEscape("同江市同江镇"), "/static/style.css"}
	var wg sync.WaitGroup
	errs := make(chan string, 200)
	for i := 0; i < 200; i++ {
		wg.Add(1)
		go func(path string) {
			defer wg.Done()
			code, _, err := sv.get(path)
			if err != nil || code != 200 {
				errs <- fmt.Sprintf("GET %s: %d %v", path, code, err)
			}
		}(paths[i%len(paths)])
	}
	wg.Wait()
	close(errs)
	after := sv.status(t)
	t.Logf("after the 200 requests the crawl is running: %v (%d of %d seeds done)", after.Crawl.Running, after.Crawl.SeedsDone, after.Crawl.Seeds)
	for e := range errs {
		t.Error(e)
	}
	if _, page, _ := sv.get("/status"); !strings.Contains(page, "Crawling now") && endedRuns(sv.status(t)) < 2 {
		t.Errorf("status page while crawling lacks 'Crawling now':\n%s", page)
	}

	sv.waitFor(t, "the end of the second crawl", func(st statusJSON) bool { return endedRuns(st) == 2 && !st.Crawl.Running })
	_, jsonl, _ := sv.get("/export/jsonl?agency=" + url.QueryEscape("新前街道"))
	n0, n, revised := strings.Count(before, "\n"), strings.Count(jsonl, "\n"), 0
	for _, l := range strings.Split(jsonl, "\n") {
		if strings.Contains(l, "已于第2版更正") {
			revised++
		}
	}
	if n0 == 0 || n != n0+1 || revised != 1 {
		t.Errorf("新前街道 after the scheduled crawl: %d versions (%d before), %d revised; want one more, the revision", n, n0, revised)
	}
	log := sv.stderr.String()
	for _, want := range []string{"crawl serve: crawl starting: ", "crawl serve: crawl done in ", "crawl: seed http://127.0.0.1:", "crawl: pages "} {
		if strings.Count(log, want) < 2 {
			t.Errorf("server log has %q fewer than twice:\n%s", want, log)
		}
	}
	sv.stop(t)
	if _, err := os.Stat(holderPath(db)); !os.IsNotExist(err) {
		t.Errorf("holder note left after the server stopped: %v", err)
	}
}

// TestRunHandedToServer: `crawl run` against an archive a crawling `crawl
// serve` holds runs inside the server (its progress and summary on the
// caller's terminal, its exit status the caller's), the reports it found
// are in the running web view at once, and a second serve names the
// first and its address. Against a plain (read-only) web view, crawl run
// names it and says how to crawl there.
func TestRunHandedToServer(t *testing.T) {
	if testing.Short() {
		t.Skip("crawls the demo portal")
	}
	t.Parallel() // waits on rate limits and schedules, not the CPU
	ta := newTestArchive(t)
	_, seedFile := startDemoPortal(t, ta.dir)
	other := t.TempDir()

	view := startServe(t, ta.dir, "--db", ta.db)
	waitHolder(t, ta.db, view.cmd.Process.Pid)
	r := crawl(t, other, "run", "--allow-private", "--rate", "0", "--seeds", seedFile, "--db", ta.db)
	wantError(t, r, 2, "is open read-only in PID "+strconv.Itoa(view.cmd.Process.Pid)+" (crawl serve --addr 127.0.0.1:0 --db "+ta.db+", since ")
	if !strings.Contains(r.stderr, "crawl run cannot write to it there: stop it (kill "+strconv.Itoa(view.cmd.Process.Pid)+"), or let the server crawl: crawl serve --seeds FILE --every 24h") {
		t.Errorf("run against a web view: %q", r.stderr)
	}
	view.stop(t)

	// A server crawling daily, its first crawl twelve hours away.
	at := time.Now().Add(12 * time.Hour).Format("15:04")
	sv := startServe(t, ta.dir, "--db", ta.db, "--seeds", seedFile, "--at", at, "--allow-private")
	h := waitHolder(t, ta.db, sv.cmd.Process.Pid)
	if h.Web != sv.base {
		t.Errorf("holder note names the web view %q, want %q", h.Web, sv.base)
	}
	if _, page, _ := sv.get("/?q=" + url.QueryEscape("康川")); strings.Contains(page, "康川街道") {
		t.Fatal("康川街道 is in the archive before the crawl")
	}
	r = mustCrawl(t, other, "run", "--allow-private", "--rate", "0", "--seeds", seedFile, "--db", ta.db)
	if !strings.HasPrefix(r.stdout, "crawl done in ") || !strings.Contains(r.stderr, "crawl: seed http://127.0.0.1:") {
		t.Errorf("handed-over run: stdout %q stderr %q", r.stdout, r.stderr)
	}
	if !strings.Contains(sv.stderr.String(), "running a crawl handed over by another process: crawl run ") {
		t.Errorf("server log does not say it ran a handed-over crawl:\n%s", sv.stderr.String())
	}
	if _, page, _ := sv.get("/?q=" + url.QueryEscape("康川")); !strings.Contains(page, "康川街道") {
		t.Error("the web view does not show 康川街道 after the crawl handed to it")
	}
	st := sv.status(t)
	if len(st.Runs) != 1 || st.Runs[0].Ended.IsZero() || st.Crawl.Pages == 0 {
		t.Errorf("status after the handed-over crawl: %+v", st)
	}
	r = crawl(t, other, "serve", "--addr", "127.0.0.1:0", "--db", ta.db)
	wantError(t, r, 2, "its web view is at "+sv.base)
	sv.stop(t)
}
