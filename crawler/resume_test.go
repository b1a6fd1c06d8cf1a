package crawler

import (
	"context"
	"net/http"
	"os"
	"os/exec"
	"sort"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gongkai/gongkai/archive"
	"github.com/gongkai/gongkai/seeds"
)

// TestResumeChild is the crawl that TestKillAndResume runs in a subprocess
// and kills with SIGKILL; on its own it does nothing.
func TestResumeChild(t *testing.T) {
	db, seed := os.Getenv("GONGKAI_RESUME_DB"), os.Getenv("GONGKAI_RESUME_SEED")
	if db == "" {
		t.Skip("subprocess of TestKillAndResume")
	}
	st, err := archive.Open(db, nil)
	if err != nil {
		t.Fatal(err)
	}
	c, err := New(st, testConfig())
	if err != nil {
		t.Fatal(err)
	}
	c.Run(context.Background(), []seeds.Seed{{URL: seed}})
	st.Close()
}

// fetchedOK lists the URLs the archive holds a whole payload of.
func fetchedOK(t *testing.T, st *archive.Store) []string {
	seen := map[string]bool{}
	err := st.ForEachCapture(context.Background(), func(c archive.Capture) error {
		if c.Digest != "" && c.ErrKind == "" {
			u := c.URL[strings.Index(c.URL[8:], "/")+8:] // path only: the two portals differ in port
			seen[u] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for u := range seen {
		out = append(out, u)
	}
	sort.Strings(out)
	return out
}

// A crawl killed with SIGKILL mid-way and run again ends with the same set
// of archived pages as an uninterrupted crawl, re-fetching at most what was
// in flight.
func TestKillAndResume(t *testing.T) {
	if testing.Short() {
		t.Skip("subprocess test")
	}
	slowPortal := func() *portal {
		p := newPortal(t)
		buildPortal(p, "hanweb", "http://192.0.2.1")
		p.wrap(func(w http.ResponseWriter, r *http.Request, next http.HandlerFunc) {
			time.Sleep(15 * time.Millisecond)
			next(w, r)
		})
		return p
	}

	// Uninterrupted.
	ref := slowPortal()
	refStore := testStore(t)
	crawl(t, refStore, testConfig(), ref.url("/"))
	want := fetchedOK(t, refStore)
	refHits := len(ref.hitList())

	// Killed after 8 requests, then resumed.
	p := slowPortal()
	db := t.TempDir() + "/archive.db"
	cmd := exec.Command(os.Args[0], "-test.run=^TestResumeChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), "GONGKAI_RESUME_DB="+db, "GONGKAI_RESUME_SEED="+p.url("/"))
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for len(p.hitList()) < 8 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	killedAt := len(p.hitList())
	if killedAt >= refHits {
		t.Fatalf("child finished (%d requests) before it was killed", killedAt)
	}

	st, err := archive.Open(db, nil)
	if err != nil {
		t.Fatalf("reopen after kill -9: %v", err)
	}
	defer st.Close()
	c, err := New(st, testConfig())
	if err != nil {
		t.Fatal(err)
	}
	sum, err := c.Run(context.Background(), []seeds.Seed{{URL: p.url("/")}})
	if err != nil {
		t.Fatal(err)
	}
	if !sum.Seeds[0].Resumed {
		t.Errorf("second run did not resume the frontier")
	}
	got := fetchedOK(t, st)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("after kill and resume archived\n%v\nwant (uninterrupted)\n%v", got, want)
	}
	// At most the pages in flight are fetched twice: the one being fetched
	// and those still being archived (up to 64; a handful in practice on
	// loopback), plus robots.txt once per process.
	if total := len(p.hitList()); total > refHits+8 {
		t.Errorf("killed+resumed crawl made %d requests, uninterrupted %d", total, refHits)
	}
}

// Cancelling the context (SIGINT/SIGTERM) stops a run cleanly; the next run
// of the same Crawler resumes and finishes the same set. (A new process
// gets the page that was in flight back from the archive when it opens it.)
func TestCancelAndResume(t *testing.T) {
	p := newPortal(t)
	buildPortal(p, "query", "http://192.0.2.1")
	st := testStore(t)
	ctx, cancel := context.WithCancel(context.Background())
	// Cancel as the seventh request (robots.txt and six pages) arrives:
	// the crawler fetches well ahead of what it has archived, so a cancel
	// counted in archived pages could come after the last fetch.
	var reqs, atCancel atomic.Int64
	p.wrap(func(w http.ResponseWriter, r *http.Request, next http.HandlerFunc) {
		if reqs.Add(1) == 7 {
			atCancel.Store(int64(len(p.hitList())) + 1)
			cancel()
		}
		next(w, r)
	})
	c, _ := New(st, testConfig())
	sum, err := c.Run(ctx, []seeds.Seed{{URL: p.url("/")}})
	p.wrap(nil)
	// Pages fetched before the cancel are still archived (and counted);
	// no request starts after it but the one already on its way.
	if err != nil || !sum.Interrupted || sum.Seeds[0].Status != StatusInterrupted || sum.Pages < 5 || sum.Pages > 6 {
		t.Fatalf("cancelled run: %+v, %v; want 5 or 6 pages", sum, err)
	}
	if hits := len(p.hitList()); hits > int(atCancel.Load()) {
		t.Errorf("%d requests after the cancel, want none", hits-int(atCancel.Load()))
	}
	runs, err := st.Runs()
	if err != nil || len(runs) != 1 || !runs[0].Interrupted {
		t.Errorf("run record %+v, %v; want interrupted", runs, err)
	}
	sum2, err := c.Run(context.Background(), []seeds.Seed{{URL: p.url("/")}})
	if err != nil {
		t.Fatal(err)
	}
	ref := newPortal(t)
	buildPortal(ref, "query", "http://192.0.2.1")
	whole := crawl(t, testStore(t), testConfig(), ref.url("/"))
	if !sum2.Seeds[0].Resumed || sum.Pages+sum2.Pages != whole.Pages || whole.Pages != 21 {
		t.Errorf("resumed run: resumed %v, %d+%d pages, want %d (21) in all; fetched %v", sum2.Seeds[0].Resumed, sum.Pages, sum2.Pages, whole.Pages, p.fetched())
	}
	twice := 0
	for path, n := range p.fetched() {
		if n == 2 {
			twice++ // the fetch in flight when the run was cancelled
		} else if n != 1 {
			t.Errorf("%s fetched %d times", path, n)
		}
	}
	if twice > 1 {
		t.Errorf("%d pages fetched twice, want at most the one in flight", twice)
	}
}
