package crawler

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/gongkai/gongkai/frontier"
	"github.com/gongkai/gongkai/frontier/redisfrontier"
	"github.com/gongkai/gongkai/seeds"
)

// Workers sharing one crawl through a Redis frontier (on miniredis, so no
// server is needed): what the crawler shares through it besides the
// queues and the clock. cmd/crawl's acceptance test runs the same on a
// real redis-server with worker processes.

// sharedWorkers crawls urls with n workers at once, each with its own
// archive shard, joined through the Redis at m; it returns their summaries.
func sharedWorkers(t *testing.T, m *miniredis.Miniredis, crawl string, n int, cfg Config, urls ...string) []Summary {
	t.Helper()
	var list []seeds.Seed
	for _, u := range urls {
		list = append(list, seeds.Seed{URL: u, Agency: "某市人民政府"})
	}
	sums := make([]Summary, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	// Every worker is set up before any runs, so they join one crawl (a
	// worker joining after the crawl is over would start the next).
	start := make(chan struct{})
	for k := range n {
		c, err := redisfrontier.ParseURL("redis://" + m.Addr() + "/0?lease=3s&crawl=" + crawl)
		if err != nil {
			t.Fatal(err)
		}
		c.Worker = fmt.Sprintf("w%d", k+1)
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		fs, err := redisfrontier.Open(ctx, c)
		if err != nil {
			t.Fatal(err)
		}
		defer fs.Close()
		wcfg := cfg
		wcfg.Frontier = fs
		cr, err := New(testStore(t), wcfg)
		if err != nil {
			t.Fatal(err)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			sums[k], errs[k] = cr.Run(ctx, list)
		}()
	}
	close(start)
	wg.Wait()
	for k, err := range errs {
		if err != nil {
			t.Fatalf("worker %d: %v", k+1, err)
		}
	}
	return sums
}

// reportSite is a home page linking 30 report pages and a page robots.txt
// disallows.
func reportSite(t *testing.T) *portal {
	p := newPortal(t)
	var links strings.Builder
	for i := range 30 {
		path := fmt.Sprintf("/xxgk/ndbg/t%d.html", i)
		links.WriteString(a(path, fmt.Sprintf("%d年政府信息公开工作年度报告", 1990+i)))
		p.set(path, htmlPage(fmt.Sprintf("%d年政府信息公开工作年度报告", 1990+i), "<p>正文</p>"))
	}
	links.WriteString(a("/admin/ndbg.html", "政府信息公开工作年度报告（后台）"))
	p.set("/admin/ndbg.html", htmlPage("后台", ""))
	p.set("/", htmlPage("某市人民政府", links.String()))
	p.set("/robots.txt", "User-agent: *\nDisallow: /admin/\n")
	return p
}

// TestSharedRobots: three workers on one host fetch its robots.txt once
// between them, all obey it, and no page is fetched twice.
func TestSharedRobots(t *testing.T) {
	m := miniredis.RunT(t)
	p := reportSite(t)
	cfg := testConfig()
	cfg.Rate = 50 // a shared clock the workers take turns on (20 ms)
	sums := sharedWorkers(t, m, "robots", 3, cfg, p.url("/"))
	got := p.fetched()
	p.mu.Lock()
	robots := 0
	for _, h := range p.hits {
		if h.path == "/robots.txt" {
			robots++
		}
	}
	p.mu.Unlock()
	if robots != 1 {
		t.Errorf("robots.txt fetched %d times by 3 workers, want 1", robots)
	}
	if got["/admin/ndbg.html"] > 0 {
		t.Error("a worker fetched /admin/ndbg.html, which robots.txt disallows")
	}
	pages := 0
	for path, n := range got {
		if n > 1 {
			t.Errorf("%s fetched %d times", path, n)
		}
		pages++
	}
	if pages != 31 {
		t.Errorf("%d distinct pages fetched, want the home page and 30 reports", pages)
	}
	fetchedBy := 0
	for _, s := range sums {
		if s.Pages > 0 {
			fetchedBy++
		}
	}
	t.Logf("pages fetched by %d of 3 workers", fetchedBy)
}

// TestSharedBudget: --max-pages is the seed's budget across workers.
func TestSharedBudget(t *testing.T) {
	m := miniredis.RunT(t)
	p := reportSite(t)
	cfg := testConfig()
	cfg.Rate = 50
	cfg.MaxPages = 7
	sums := sharedWorkers(t, m, "budget", 3, cfg, p.url("/"))
	got := p.fetched()
	pages := 0
	for path, n := range got {
		if n > 1 {
			t.Errorf("%s fetched %d times", path, n)
		}
		pages += n
	}
	var total int
	for _, s := range sums {
		total += s.Pages
	}
	if pages != 7 || total != 7 {
		t.Errorf("3 workers with --max-pages 7 fetched %d pages (summaries: %d), want 7 between them", pages, total)
	}
}

// TestSharedPark: a host parked by one worker is parked for the others,
// with the reason; its seed is over for this generation with its frontier
// kept, and the next generation resumes it.
func TestSharedPark(t *testing.T) {
	m := miniredis.RunT(t)
	bad := reportSite(t)
	failing := failUnder(bad, "/xxgk/")
	cfg := testConfig()
	cfg.Rate = 50
	cfg.ParkAfter = 4
	cfg.RetryBase = time.Millisecond
	sums := sharedWorkers(t, m, "park", 3, cfg, bad.url("/"))
	host := strings.TrimPrefix(bad.url(""), "http://")
	// One worker parks it after 4 failures in a row; the others learn at
	// their next request, each having seen fewer than 4 failures itself.
	if n := failing.Load(); n < 4 || n > 3*3+1 {
		t.Errorf("the host got %d failing requests from 3 workers, want 4 to 10", n)
	}
	for k, s := range sums {
		if len(s.Parked) != 1 || s.Parked[0].Host != host || !strings.Contains(s.Parked[0].Reason, "requests in a row failed (last: HTTP 503)") {
			t.Errorf("worker %d: Parked = %+v, want %s with the reason", k+1, s.Parked, host)
		}
	}
	c, _ := redisfrontier.ParseURL("redis://" + m.Addr() + "/0?crawl=park")
	st, err := redisfrontier.Inspect(context.Background(), c)
	if err != nil || len(st.Hosts.Parked) != 1 || st.Hosts.Parked[0].Host != host || len(st.Open) != 0 || len(st.Suspended) != 1 {
		t.Fatalf("status: parked %+v, open %v, suspended %v, %v", st.Hosts.Parked, st.Open, st.Suspended, err)
	}
	// The next generation unparks the host and resumes the seed where it
	// stopped: the home page is not fetched again.
	before := bad.fetched()["/"]
	bad.wrap(nil)
	sums = sharedWorkers(t, m, "park", 1, cfg, bad.url("/"))
	if s := sums[0].Seeds[0]; !s.Resumed || s.Status != StatusOK || len(sums[0].Parked) != 0 {
		t.Errorf("next generation: %+v, parked %v; want the seed resumed and finished", s, sums[0].Parked)
	}
	if after := bad.fetched()["/"]; after != before {
		t.Errorf("home page fetched %d times, %d before: the resumed seed started over", after, before)
	}
	// The failed pages were recorded (not logged by the portal: the
	// middleware answered them); every other page is fetched once.
	got := bad.fetched()
	for path, n := range got {
		if n > 1 {
			t.Errorf("%s fetched %d times", path, n)
		}
	}
	if len(got) != 31-int(failing.Load()) {
		t.Errorf("%d distinct pages after the resumed crawl and %d failed, want 31 in all", len(got), failing.Load())
	}
}

// failUnder makes p answer 503 to every request under prefix (the portal's
// log does not see them) and counts them.
func failUnder(p *portal, prefix string) *atomic.Int32 {
	var failing atomic.Int32
	p.wrap(func(w http.ResponseWriter, r *http.Request, next http.HandlerFunc) {
		if strings.HasPrefix(r.URL.Path, prefix) {
			failing.Add(1)
			http.Error(w, "upstream down", http.StatusServiceUnavailable)
			return
		}
		next(w, r)
	})
	return &failing
}

// stuckRobots is a shared store whose robots.txt answer never comes (the
// worker fetching it is alive but stuck).
type stuckRobots struct{ frontier.Store }

func (stuckRobots) Robots(ctx context.Context, _ string, _ func(context.Context) (frontier.RobotsAnswer, error)) (frontier.RobotsAnswer, error) {
	<-ctx.Done()
	return frontier.RobotsAnswer{}, ctx.Err()
}

// TestInterruptWhileWaitingForRobots: a crawl interrupted while it waits
// for another worker's robots.txt answer stops at once (colly sends its
// robots.txt request without a context; the crawl's is used).
func TestInterruptWhileWaitingForRobots(t *testing.T) {
	p := reportSite(t)
	st := testStore(t)
	cfg := testConfig()
	cfg.Frontier = stuckRobots{frontier.Bolt(st)}
	c, err := New(st, cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(300*time.Millisecond, cancel)
	done := make(chan Summary, 1)
	go func() {
		sum, err := c.Run(ctx, []seeds.Seed{{URL: p.url("/")}})
		if err != nil {
			t.Error(err)
		}
		done <- sum
	}()
	select {
	case sum := <-done:
		if !sum.Interrupted || sum.Pages != 0 {
			t.Errorf("interrupted crawl: %+v", sum)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the crawl still waits for robots.txt 10 s after it was interrupted")
	}
}
