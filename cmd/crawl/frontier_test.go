package main

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/gongkai/gongkai/frontier"
	"github.com/gongkai/gongkai/frontier/redisfrontier"
	"github.com/gongkai/gongkai/internal/demoportal"
)

// TestFrontierRunHandedToServer: `crawl run --frontier` against an archive
// a scheduling `crawl serve` holds runs inside the server as a worker of
// the shared crawl (the flag is not dropped on the way).
func TestFrontierRunHandedToServer(t *testing.T) {
	if testing.Short() {
		t.Skip("crawls the demo portal")
	}
	t.Parallel()
	m := miniredis.RunT(t)
	ta := newTestArchive(t)
	_, seedFile := startDemoPortal(t, ta.dir)
	at := time.Now().Add(12 * time.Hour).Format("15:04")
	sv := startServe(t, ta.dir, "--db", ta.db, "--seeds", seedFile, "--at", at, "--allow-private")
	waitHolder(t, ta.db, sv.cmd.Process.Pid)
	fr := "redis://" + m.Addr() + "/0?crawl=served"
	r := mustCrawl(t, t.TempDir(), "run", "--allow-private", "--rate", "0", "--seeds", seedFile, "--db", ta.db, "--frontier", fr)
	if !strings.HasPrefix(r.stdout, "crawl done in ") || !strings.Contains(r.stdout, "6 seeds") {
		t.Errorf("handed-over shared run: stdout %q stderr %q", r.stdout, r.stderr)
	}
	if !strings.Contains(sv.stderr.String(), "running a crawl handed over by another process: crawl run ") || !strings.Contains(sv.stderr.String(), "--frontier="+fr+" ") {
		t.Errorf("server log does not show the handed-over run with its --frontier:\n%s", sv.stderr.String())
	}
	st := mustCrawl(t, ta.dir, "status", "--frontier", fr).stdout
	// The server's process is the worker: the crawl ran through Redis.
	if !strings.Contains(st, "generation 1: finished; 0 of 6 seeds open") || !strings.Contains(st, "workers: 1") ||
		!strings.Contains(st, fmt.Sprintf("pid %d since", sv.cmd.Process.Pid)) {
		t.Errorf("status of the shared crawl the server ran (pid %d):\n%s", sv.cmd.Process.Pid, st)
	}
	sv.stop(t)
}

// crawlCounts are the totals of a `crawl run` summary line.
type crawlCounts struct{ pages, notModified, newPayloads, errors int }

var summaryLine = regexp.MustCompile(`(\d+) pages, \d+ reports, (\d+) not modified, (\d+) new payloads, (\d+) errors`)

func parseCounts(t *testing.T, stdout string) crawlCounts {
	t.Helper()
	m := summaryLine.FindStringSubmatch(stdout)
	if m == nil {
		t.Fatalf("no crawl summary in %q", stdout)
	}
	n := func(i int) int { v, _ := strconv.Atoi(m[i]); return v }
	return crawlCounts{n(1), n(2), n(3), n(4)}
}

// workersNight runs n workers of a shared crawl at once, each on its own
// shard, and returns the sum of their summaries.
func workersNight(t *testing.T, dir, seeds, fr string, shards []string) crawlCounts {
	t.Helper()
	var sum crawlCounts
	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, db := range shards {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// At 10 requests a second per host the night lasts long enough
			// that both workers join it even on a loaded machine (one
			// starting after the crawl is over would begin the next).
			r := crawl(t, dir, "run", "--allow-private", "--rate", "10", "--seeds", seeds, "--db", db, "--frontier", fr)
			if r.code != 0 {
				t.Errorf("worker on %s: exit %d: %s", db, r.code, r.stderr)
				return
			}
			c := parseCounts(t, r.stdout)
			mu.Lock()
			sum.pages += c.pages
			sum.notModified += c.notModified
			sum.newPayloads += c.newPayloads
			sum.errors += c.errors
			mu.Unlock()
		}()
	}
	wg.Wait()
	return sum
}

// TestSecondNightAcrossWorkers: two workers crawl the demo portal through
// Redis, the shards are merged with --refresh-shards (each shard becomes
// a copy of the merged archive), a report is revised, and two workers
// crawl again. Night two sends conditional requests whichever worker
// fetches a URL: the workers together get exactly the 304s and the full
// downloads of one archive crawled twice (only what changed, and pages
// without validators, come back whole).
func TestSecondNightAcrossWorkers(t *testing.T) {
	if testing.Short() {
		t.Skip("crawls the demo portal six times")
	}
	t.Parallel()
	m := miniredis.RunT(t)
	p, err := demoportal.Start(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	dir := t.TempDir()
	seeds := filepath.Join(dir, "all.csv")
	writeSeeds(t, seeds, p.Seeds())
	single, merged := filepath.Join(dir, "single.db"), filepath.Join(dir, "archive.db")
	shards := []string{filepath.Join(dir, "shard-1.db"), filepath.Join(dir, "shard-2.db")}
	fr := "redis://" + m.Addr() + "/0?crawl=nightly"

	one := parseCounts(t, mustCrawl(t, dir, "run", "--allow-private", "--rate", "0", "--seeds", seeds, "--db", single).stdout)
	night1 := workersNight(t, dir, seeds, fr, shards)
	if night1.pages != one.pages || night1.notModified != 0 {
		t.Fatalf("night one: workers %+v, one archive %+v", night1, one)
	}
	r := mustCrawl(t, dir, append([]string{"merge", "--db", merged, "--refresh-shards"}, shards...)...)
	if !strings.Contains(r.stdout, "refreshed 2 shards: each is now a copy of "+merged) {
		t.Errorf("merge --refresh-shards said %q", r.stdout)
	}
	for _, s := range shards {
		if got := exportLines(t, dir, s, "csv"); !slices.Equal(got, exportLines(t, dir, merged, "csv")) {
			t.Errorf("%s after --refresh-shards does not export as the merged archive", s)
		}
	}

	var revised demoportal.Served
	for _, sv := range p.Truth() {
		if sv.Kind == demoportal.KindReport && !sv.InAttachment {
			revised = sv
			break
		}
	}
	if err := p.Revise(revised.Report.ID); err != nil {
		t.Fatal(err)
	}
	two := parseCounts(t, mustCrawl(t, dir, "run", "--allow-private", "--rate", "0", "--seeds", seeds, "--db", single).stdout)
	night2 := workersNight(t, dir, seeds, fr, shards)
	t.Logf("night two: one archive %+v; two workers %+v", two, night2)
	if two.notModified < two.pages/2 || two.newPayloads == 0 {
		t.Fatalf("the single archive's second night is not incremental: %+v", two)
	}
	if night2 != two {
		t.Errorf("night two across workers %+v, want what one archive gets: %+v (304s for every unchanged page)", night2, two)
	}

	// Merged again (adding only night two), the archive has the revision.
	mustCrawl(t, dir, append([]string{"merge", "--db", merged, "--refresh-shards"}, shards...)...)
	h := mustCrawl(t, dir, "history", "--db", merged, "--agency", revised.Agency, "--json").stdout
	if n := strings.Count(h, revised.URL); n < 2 {
		t.Errorf("history of %s names the revised %s %d times, want both versions", revised.Agency, revised.URL, n)
	}
}

// TestStatusParked: crawl status names the hosts a worker parked, with the
// reason and the worker, and the seeds suspended with them; --json too.
func TestStatusParked(t *testing.T) {
	m := miniredis.RunT(t)
	fr := "redis://" + m.Addr() + "/0?crawl=parked"
	c, err := redisfrontier.ParseURL(fr)
	if err != nil {
		t.Fatal(err)
	}
	c.Worker = "w1"
	ctx := context.Background()
	s, err := redisfrontier.Open(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	const bad, good = "http://bad.gov.cn/", "http://good.gov.cn/"
	if _, err := s.Join(ctx, []string{bad, good}); err != nil {
		t.Fatal(err)
	}
	q := s.Queue(bad)
	if _, err := q.Begin(ctx, frontier.Item{Key: bad, Host: "bad.gov.cn"}); err != nil {
		t.Fatal(err)
	}
	if err := s.Park(ctx, "bad.gov.cn", "10 requests in a row failed (last: HTTP 503)"); err != nil {
		t.Fatal(err)
	}
	if err := q.(frontier.Suspender).Suspend(ctx); err != nil {
		t.Fatal(err)
	}
	out := mustCrawl(t, t.TempDir(), "status", "--frontier", fr).stdout
	for _, want := range []string{
		"in progress; 1 of 2 seeds open",
		"0 waiting over a minute, 1 parked",
		"  parked: bad.gov.cn by w1: 10 requests in a row failed (last: HTTP 503)\n",
		"  suspended seed (host parked; resumes next generation): " + bad + "\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("status lacks %q:\n%s", want, out)
		}
	}
	var st redisfrontier.Status
	js := mustCrawl(t, t.TempDir(), "status", "--frontier", fr, "--json").stdout
	if err := json.Unmarshal([]byte(js), &st); err != nil {
		t.Fatal(err)
	}
	want := []redisfrontier.ParkedHost{{Host: "bad.gov.cn", Reason: "10 requests in a row failed (last: HTTP 503)", Worker: "w1"}}
	if !slices.Equal(st.Hosts.Parked, want) || !slices.Equal(st.Suspended, []string{bad}) {
		t.Errorf("status --json: parked %+v, suspended %v", st.Hosts.Parked, st.Suspended)
	}
}
