//go:build acceptance

// The acceptance test of a crawl shared by several workers through a real
// Redis. It takes about a minute, so it runs with -tags acceptance (as
// .ci/run does):
//
//	go test -tags acceptance -run TestSharedCrawl -v ./cmd/crawl

package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gongkai/gongkai/internal/corpus"
	"github.com/gongkai/gongkai/internal/fixture"
	"github.com/gongkai/gongkai/internal/redistest"
)

// hit is one request the portal answered.
type hit struct {
	host, path, agent string
	at                time.Time
}

// sharedPortal is n hosts, each a home page → a 年报 column → report
// pages rendered from the corpus (distinct bytes per host: the site name
// differs), every answer delayed; it logs every request.
type sharedPortal struct {
	mu    sync.Mutex
	log   []hit
	hosts []*httptest.Server
	// reports[host] are the report paths a host serves.
	reports map[string][]string
}

func startSharedPortal(t *testing.T, n, reports int, delay time.Duration) *sharedPortal {
	t.Helper()
	all, err := corpus.Reports()
	if err != nil {
		t.Fatal(err)
	}
	var reps []corpus.Report
	for _, r := range all {
		if r.Agency != "" {
			reps = append(reps, r)
		}
	}
	p := &sharedPortal{reports: map[string][]string{}}
	for i := range n {
		site := fmt.Sprintf("第%d号政府门户网站", i+1)
		pages := map[string]fixture.Page{}
		var list strings.Builder
		for j := range reports {
			r := reps[(i+j)%len(reps)]
			pg, err := fixture.Render(r, fixture.Options{Chrome: true, SiteName: site})
			if err != nil {
				t.Fatal(err)
			}
			path := fmt.Sprintf("/xxgk/ndbg/t%d_%d.html", r.Year, j)
			pages[path] = pg
			fmt.Fprintf(&list, "<li><a href=\"%s\">%s%d年政府信息公开工作年度报告</a></li>\n", path, r.Agency, r.Year)
		}
		home := fmt.Sprintf(`<html><head><meta charset="utf-8"><title>%s</title></head><body><a href="/xxgk/ndbg/">政府信息公开年度报告</a></body></html>`, site)
		column := fmt.Sprintf(`<html><head><meta charset="utf-8"><title>年度报告_%s</title></head><body><ul>%s</ul></body></html>`, site, list.String())
		var srv *httptest.Server
		srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			p.mu.Lock()
			p.log = append(p.log, hit{host: srv.Listener.Addr().String(), path: r.URL.Path, agent: r.UserAgent(), at: time.Now()})
			p.mu.Unlock()
			time.Sleep(delay)
			switch r.URL.Path {
			case "/":
				w.Header().Set("Content-Type", "text/html; charset=utf-8")
				w.Write([]byte(home))
			case "/xxgk/ndbg/":
				w.Header().Set("Content-Type", "text/html; charset=utf-8")
				w.Write([]byte(column))
			case "/robots.txt":
				w.Write([]byte("User-agent: *\nDisallow: /admin/\n"))
			default:
				pg, ok := pages[r.URL.Path]
				if !ok {
					http.NotFound(w, r)
					return
				}
				w.Header().Set("Content-Type", pg.ContentType)
				w.Write(pg.Body)
			}
		}))
		t.Cleanup(srv.Close)
		p.hosts = append(p.hosts, srv)
		for path := range pages {
			p.reports[srv.Listener.Addr().String()] = append(p.reports[srv.Listener.Addr().String()], path)
		}
	}
	return p
}

func (p *sharedPortal) seedFile(t *testing.T, path string) {
	t.Helper()
	var b strings.Builder
	for _, s := range p.hosts {
		b.WriteString(s.URL + "/\n")
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

// takeLog returns the requests logged so far and starts a new log.
func (p *sharedPortal) takeLog() []hit {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := p.log
	p.log = nil
	return out
}

// startWorker starts `crawl run` as worker k of a shared crawl.
func startWorker(t *testing.T, dir, seeds, db, frontier string, k int, extra ...string) (*exec.Cmd, *strings.Builder) {
	t.Helper()
	args := append([]string{"run", "--seeds", seeds, "--db", db, "--frontier", frontier, "--allow-private",
		"--rate", "5", "--concurrency", "2", "--timeout", "10s", "--user-agent", fmt.Sprintf("gk-worker-%d", k)}, extra...)
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd, &out
}

// threeWorkers runs three workers of the crawl named crawl over seeds,
// their shards named name-1.db..., and waits for them; it returns the
// shards and each worker's output.
func threeWorkers(t *testing.T, srv *redistest.Server, dir, seeds, name, crawl string, extra ...string) (shards []string, outs []*strings.Builder) {
	t.Helper()
	var cmds []*exec.Cmd
	for k := range 3 {
		db := filepath.Join(dir, fmt.Sprintf("%s-%d.db", name, k+1))
		c, out := startWorker(t, dir, seeds, db, srv.URL("crawl="+crawl+"&lease=2s"), k+1, extra...)
		shards, cmds, outs = append(shards, db), append(cmds, c), append(outs, out)
	}
	for k, c := range cmds {
		if err := c.Wait(); err != nil {
			t.Fatalf("%s: worker %d: %v\n%s", name, k+1, err, outs[k])
		}
	}
	return shards, outs
}

// TestSharedCrawl: 18 hosts answering in 100 ms, politeness on (5
// requests/s per host), each worker serving 2 hosts at once. One worker
// crawls them alone; then three workers share the crawl through a real
// Redis: no page is fetched twice, each host's requests stay 200 ms apart
// across workers, and the merged shards export the same reports cell for
// cell. Then three workers again, one killed with SIGKILL mid-crawl: the
// two others finish its pages, and the merge still exports everything.
func TestSharedCrawl(t *testing.T) {
	srv := redistest.Start(t, false)
	portal := startSharedPortal(t, 18, 4, 100*time.Millisecond)
	dir := t.TempDir()
	seeds := filepath.Join(dir, "seeds.txt")
	portal.seedFile(t, seeds)
	single := filepath.Join(dir, "single.db")

	start := time.Now()
	mustCrawl(t, dir, "run", "--seeds", seeds, "--db", single, "--allow-private", "--rate", "5", "--concurrency", "2", "--timeout", "10s")
	one := time.Since(start)
	singleLog := portal.takeLog()
	checkSpacing(t, singleLog, 200*time.Millisecond)

	// Three workers.
	start = time.Now()
	shards, _ := threeWorkers(t, srv, dir, seeds, "shard", "three")
	three := time.Since(start)
	log := portal.takeLog()
	t.Logf("1 worker: %s, %d requests; 3 workers: %s, %d requests; ratio %.2f (machine shared with other jobs)",
		one.Round(time.Millisecond), len(singleLog), three.Round(time.Millisecond), len(log), three.Seconds()/one.Seconds())

	// No URL fetched twice across workers, robots.txt included (Redis
	// keeps it: one worker fetches it, all obey it).
	seen := map[string]string{}
	workersOf := map[string]map[string]bool{}
	robots := 0
	for _, h := range log {
		if h.path == "/robots.txt" {
			robots++
		}
		u := h.host + h.path
		if w, ok := seen[u]; ok {
			t.Errorf("%s fetched twice: by %s and %s", u, w, h.agent)
		}
		seen[u] = h.agent
		if workersOf[h.host] == nil {
			workersOf[h.host] = map[string]bool{}
		}
		workersOf[h.host][h.agent] = true
	}
	want := map[string]bool{}
	for _, h := range singleLog {
		want[h.host+h.path] = true
	}
	if len(seen) != len(want) || len(want) < 18*7 {
		t.Errorf("3 workers fetched %d distinct URLs, 1 worker %d (at least 18 hosts × robots.txt, home, column, 4 reports)", len(seen), len(want))
	}
	if robots != 18 {
		t.Errorf("3 workers fetched robots.txt %d times, want once per host (18)", robots)
	}
	// The per-host rate holds across workers.
	checkSpacing(t, log, 200*time.Millisecond)
	shared := 0
	for _, ws := range workersOf {
		if len(ws) > 1 {
			shared++
		}
	}
	t.Logf("%d of 18 hosts were served by more than one worker", shared)

	st := mustCrawl(t, dir, "status", "--frontier", srv.URL("crawl=three")).stdout
	if !strings.Contains(st, "finished; 0 of 18 seeds open") || !strings.Contains(st, "workers: 3") {
		t.Errorf("status after the crawl:\n%s", st)
	}

	merged := filepath.Join(dir, "merged.db")
	mustCrawl(t, dir, append([]string{"merge", "--db", merged}, shards...)...)
	sameExport(t, dir, single, merged)

	// Three workers, one killed mid-crawl.
	var killShards []string
	var cmds []*exec.Cmd
	var outs []*strings.Builder
	for k := range 3 {
		db := filepath.Join(dir, fmt.Sprintf("kill-%d.db", k+1))
		killShards = append(killShards, db)
		c, out := startWorker(t, dir, seeds, db, srv.URL("crawl=kill&lease=2s"), k+1)
		cmds, outs = append(cmds, c), append(outs, out)
	}
	time.Sleep(1500 * time.Millisecond)
	if err := cmds[1].Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	cmds[1].Wait()
	for _, k := range []int{0, 2} {
		if err := cmds[k].Wait(); err != nil {
			t.Fatalf("worker %d after worker 2 was killed: %v\n%s", k+1, err, outs[k])
		}
	}
	killLog := portal.takeLog()
	again := 0
	counts := map[string]int{}
	for _, h := range killLog {
		if counts[h.host+h.path]++; counts[h.host+h.path] == 2 {
			again++
		}
	}
	t.Logf("kill run: %d requests, %d pages fetched again (the killed worker's in flight)", len(killLog), again)
	if again > 2 {
		t.Errorf("%d pages fetched twice after one kill; the killed worker had at most 2 in flight", again)
	}
	killMerged := filepath.Join(dir, "kill-merged.db")
	mustCrawl(t, dir, append([]string{"merge", "--db", killMerged}, killShards...)...)
	sameExport(t, dir, single, killMerged)

	// --max-pages is each seed's budget across the workers: 3 pages per
	// host (home, column, one report), however the workers split it.
	threeWorkers(t, srv, dir, seeds, "budget", "budget", "--max-pages", "3")
	pagesOf := map[string]int{}
	for _, h := range portal.takeLog() {
		if h.path != "/robots.txt" {
			pagesOf[h.host]++
		}
	}
	for host, n := range pagesOf {
		if n != 3 {
			t.Errorf("--max-pages 3 with 3 workers: %s got %d page requests, want 3", host, n)
		}
	}
	if len(pagesOf) != 18 {
		t.Errorf("--max-pages 3: %d hosts crawled, want 18", len(pagesOf))
	}

	// With the default --concurrency (every host at once) one worker is
	// already at the politeness bound (9 requests × 200 ms a host), so
	// three cannot be faster: the figure shows they are not slower either.
	bound := 9 * 200 * time.Millisecond
	start = time.Now()
	mustCrawl(t, dir, "run", "--seeds", seeds, "--db", filepath.Join(dir, "all-hosts.db"), "--allow-private", "--rate", "5", "--timeout", "10s")
	oneAll := time.Since(start)
	portal.takeLog()
	start = time.Now()
	threeWorkers(t, srv, dir, seeds, "all-hosts", "allhosts", "--concurrency", "0")
	threeAll := time.Since(start)
	allLog := portal.takeLog()
	checkSpacing(t, allLog, 200*time.Millisecond)
	t.Logf("--concurrency 0 (all hosts at once): politeness bound %s; 1 worker %s (%.2f× the bound), 3 workers %s, %d requests (ratio %.2f)",
		bound, oneAll.Round(time.Millisecond), oneAll.Seconds()/bound.Seconds(), threeAll.Round(time.Millisecond), len(allLog), threeAll.Seconds()/oneAll.Seconds())

	// Three workers on two hosts of 24 reports each: they share each
	// host, and its rate.
	big := startSharedPortal(t, 2, 24, 100*time.Millisecond)
	two := filepath.Join(dir, "two.txt")
	big.seedFile(t, two)
	portal = big
	_, outs = threeWorkers(t, srv, dir, two, "two", "two")
	twoLog := portal.takeLog()
	checkSpacing(t, twoLog, 200*time.Millisecond)
	by := map[string]map[string]int{}
	for _, h := range twoLog {
		if by[h.host] == nil {
			by[h.host] = map[string]int{}
		}
		if by[h.host][h.path]++; by[h.host][h.path] > 1 {
			t.Errorf("two hosts: %s%s fetched twice", h.host, h.path)
		}
	}
	agents := map[string]bool{}
	for _, h := range twoLog {
		agents[h.agent] = true
	}
	t.Logf("two hosts, three workers: %d requests from %d workers", len(twoLog), len(agents))
	if len(agents) < 2 {
		t.Errorf("only %d worker fetched from the two hosts: the rate was not shared", len(agents))
		for k, o := range outs {
			t.Logf("worker %d:\n%s", k+1, o)
		}
		for _, h := range twoLog {
			t.Logf("%s %s %s %s", h.at.Format("15:04:05.000"), h.agent, h.host, h.path)
		}
	}
}

// checkSpacing checks each host's requests against the rate limit, as
// they arrived at the server: on average at least interval apart (95%),
// and never two at once (less than half an interval: two clocks would do
// that). A single gap may be shorter than interval: the clock grants
// starts interval apart, and the arrival adds the worker's delay between
// the grant and the send, tens of ms on a machine shared by many jobs.
// robots.txt counts like any request: it is fetched under the host's
// clock too.
func checkSpacing(t *testing.T, log []hit, interval time.Duration) {
	t.Helper()
	byHost := map[string][]time.Time{}
	for _, h := range log {
		byHost[h.host] = append(byHost[h.host], h.at)
	}
	closest, lowestMean := time.Hour, time.Hour
	for host, ts := range byHost {
		sort.Slice(ts, func(i, j int) bool { return ts[i].Before(ts[j]) })
		for i := 1; i < len(ts); i++ {
			gap := ts[i].Sub(ts[i-1])
			closest = min(closest, gap)
			if gap < interval/2 {
				t.Errorf("%s: two requests %s apart, limit %s", host, gap, interval)
			}
		}
		if n := len(ts); n > 1 {
			mean := ts[n-1].Sub(ts[0]) / time.Duration(n-1)
			lowestMean = min(lowestMean, mean)
			if mean < interval*95/100 {
				t.Errorf("%s: %d requests %s apart on average, limit %s", host, n, mean, interval)
			}
		}
	}
	t.Logf("requests to one host: closest %s apart, lowest mean gap %s (limit %s)", closest, lowestMean, interval)
}

// sameExport compares the CSV and JSONL exports of two archives.
func sameExport(t *testing.T, dir, want, got string) {
	t.Helper()
	for _, format := range []string{"csv", "jsonl"} {
		w, g := exportLines(t, dir, want, format), exportLines(t, dir, got, format)
		if len(w) < 18*4 {
			t.Errorf("%s export of %s has %d lines, want at least one per report", format, want, len(w))
		}
		if !slices.Equal(w, g) {
			t.Errorf("%s export of %s differs from %s: %d lines vs %d", format, got, want, len(g), len(w))
		}
	}
}
