package crawler

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gongkai/gongkai/seeds"
)

// Hosts, not seeds, are what runs at once: with default settings every
// host of the list is in flight together (the old default was 8 seeds).
func TestAllHostsAtOnce(t *testing.T) {
	const hosts = 40
	var inflight, peak atomic.Int32
	release := make(chan struct{})
	var urls []string
	for i := 0; i < hosts; i++ {
		p := newPortal(t)
		p.set("/", htmlPage("某县人民政府", "<p>首页</p>"))
		p.wrap(func(w http.ResponseWriter, r *http.Request, next http.HandlerFunc) {
			if r.URL.Path == "/" {
				n := inflight.Add(1)
				for m := peak.Load(); n > m && !peak.CompareAndSwap(m, n); m = peak.Load() {
				}
				if n == hosts {
					close(release) // every host has a request in flight
				}
				select {
				case <-release:
				case <-time.After(10 * time.Second):
				}
				defer inflight.Add(-1)
			}
			next(w, r)
		})
		urls = append(urls, p.url("/"))
	}
	cfg := testConfig()
	cfg.Rate = 1 // the default politeness: one request per second per host
	sum := crawl(t, testStore(t), cfg, urls...)
	if sum.Pages != hosts {
		t.Errorf("%d pages, want %d", sum.Pages, hosts)
	}
	if p := peak.Load(); p != hosts {
		t.Errorf("at most %d hosts had a request in flight at once, want all %d", p, hosts)
	}
}

// Seeds on one host share its clock and its connection: a list of report
// URLs on one host (a seed each) is fetched at the host's rate, one
// request at a time, however many of its seeds run at once.
func TestSeedsOfOneHostShareItsClock(t *testing.T) {
	const interval = 20 * time.Millisecond
	p := newPortal(t)
	peak := peakInFlight(p, 2*time.Millisecond)
	var urls []string
	for i := 0; i < 12; i++ {
		path := fmt.Sprintf("/xxgk/ndbg/t%d.html", i)
		p.set(path, reportPage(2010+i, "/files/a.pdf"))
		urls = append(urls, p.url(path))
	}
	cfg := testConfig()
	cfg.Rate = float64(time.Second / interval)
	cfg.MaxDepth = 0
	var gmu sync.Mutex
	var starts []time.Time
	sum := crawlWith(t, testStore(t), cfg, func(c *Crawler) {
		c.tr.onStart = func(_ string, at time.Time) {
			gmu.Lock()
			starts = append(starts, at)
			gmu.Unlock()
		}
	}, urls...)
	if sum.Pages != len(urls) {
		t.Fatalf("%d pages, want %d", sum.Pages, len(urls))
	}
	if len(starts) != len(urls)+1 { // and robots.txt, once for the host
		t.Errorf("%d requests passed the limiter, want %d", len(starts), len(urls)+1)
	}
	for i := 1; i < len(starts); i++ {
		if gap := starts[i].Sub(starts[i-1]); gap < interval {
			t.Errorf("starts %d and %d granted %v apart, want ≥ %v", i-1, i, gap, interval)
		}
	}
	if m := peak.Load(); m != 1 {
		t.Errorf("%d requests in flight at once on one host, want 1", m)
	}
}

// A host that fails request after request is backed off, then parked with
// its reason: it gets no more requests this run, its seed stops as parked
// and keeps its frontier (the next run resumes it), and a healthy host in
// the same run is crawled to the end.
func TestFailingHostParked(t *testing.T) {
	bad, good := newPortal(t), newPortal(t)
	var links strings.Builder
	for i := 0; i < 30; i++ {
		fmt.Fprintf(&links, `<a href="/xxgk/ndbg/t%d.html">%d年政府信息公开工作年度报告</a>`, i, 1990+i)
	}
	bad.set("/", htmlPage("某市人民政府", links.String()))
	failing := failUnder(bad, "/xxgk/")
	buildPortal(good, "plain", "http://192.0.2.1")

	st := testStore(t)
	cfg := testConfig()
	cfg.ParkAfter = 4
	cfg.RetryBase = time.Millisecond
	sum := crawl(t, st, cfg, bad.url("/"), good.url("/"))

	host := strings.TrimPrefix(bad.url(""), "http://")
	if len(sum.Parked) != 1 || sum.Parked[0].Host != host || sum.Parked[0].Reason != "4 requests in a row failed (last: HTTP 503)" {
		t.Errorf("Parked = %+v, want %s after 4 failures", sum.Parked, host)
	}
	if n := failing.Load(); n != 4 {
		t.Errorf("the parked host got %d failing requests, want 4", n)
	}
	if s := sum.Seeds[0]; s.Status != StatusParked || !strings.Contains(s.Err, "4 requests in a row failed") {
		t.Errorf("seed of the failing host: %s (%s), want parked with the reason", s.Status, s.Err)
	}
	if s := sum.Seeds[1]; s.Status != StatusOK || s.Pages < 10 || s.Errors > 0 {
		t.Errorf("seed of the healthy host: %+v", s)
	}
	runs, err := st.Runs()
	if err != nil || len(runs) != 1 || runs[0].Counts["parked_hosts"] != 1 || !slices.Contains(runs[0].Notes, "host "+host+" parked: 4 requests in a row failed (last: HTTP 503)") {
		t.Errorf("run record %+v, %v; want parked_hosts 1 and %s's reason", runs, err, host)
	}

	// The next run gives the host a new chance and resumes the seed.
	c, err := New(st, cfg)
	if err != nil {
		t.Fatal(err)
	}
	sum2, err := c.Run(context.Background(), []seeds.Seed{{URL: bad.url("/")}})
	if err != nil {
		t.Fatal(err)
	}
	if s := sum2.Seeds[0]; !s.Resumed || s.Status != StatusParked {
		t.Errorf("second run: %+v, want the seed resumed and parked again", s)
	}
}
