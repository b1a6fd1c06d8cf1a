package crawler

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gocolly/colly/v2"
)

// robotsServer serves body as robots.txt with status, counting requests.
func robotsServer(t *testing.T, status int, body string, late time.Duration) (*httptest.Server, *atomic.Int32) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/robots.txt" {
			http.NotFound(w, r)
			return
		}
		hits.Add(1)
		time.Sleep(late)
		if status == -1 { // the connection drops
			c, _, _ := w.(http.Hijacker).Hijack()
			c.Close()
			return
		}
		w.WriteHeader(status)
		w.Write([]byte(body))
	}))
	t.Cleanup(srv.Close)
	return srv, &hits
}

func mustURL(t *testing.T, raw string) *url.URL {
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// Each request is tested against its host's rules for our User-Agent, as
// colly did (the group named for us over *, the query re-encoded); a
// missing robots.txt allows everything, and so does a server error, as
// colly let it (RFC 9309 would have the crawler assume a full disallow);
// a fetch that fails is an error, not kept: the next request asks again.
func TestRobotsRulesAnswers(t *testing.T) {
	rules := "User-agent: gongkai\nDisallow: /files/\nDisallow: /search?q=\n\nUser-agent: *\nDisallow: /\n"
	ok, _ := robotsServer(t, 200, rules, 0)
	missing, _ := robotsServer(t, 404, "not here", 0)
	failing, _ := robotsServer(t, 503, "busy", 0)
	dropping, drops := robotsServer(t, -1, "", 0)
	r := newRobotsRules(&http.Client{}, "gongkai/0.1 (+https://example.org)", 1<<20)
	ctx := context.Background()
	for _, tc := range []struct {
		url     string
		blocked bool
	}{
		{ok.URL + "/xxgk/ndbg/", false},
		{ok.URL + "/files/2020.pdf", true},
		{ok.URL + "/search?q=%E5%B9%B4%E6%8A%A5", true},
		{ok.URL + "/search?page=2", false},
		{missing.URL + "/files/2020.pdf", false},
		{failing.URL + "/xxgk/", false},
	} {
		err := r.allowed(ctx, mustURL(t, tc.url))
		if got := errors.Is(err, colly.ErrRobotsTxtBlocked); got != tc.blocked || (err != nil && !got) {
			t.Errorf("%s: %v, want blocked %v", tc.url, err, tc.blocked)
		}
	}
	for i := 0; i < 2; i++ {
		if err := r.allowed(ctx, mustURL(t, dropping.URL+"/xxgk/")); err == nil || errors.Is(err, colly.ErrRobotsTxtBlocked) {
			t.Errorf("robots.txt cut off: %v, want the fetch's error", err)
		}
	}
	if n := drops.Load(); n != 2 {
		t.Errorf("a robots.txt that failed was asked %d times for two requests, want 2 (not kept)", n)
	}
}

// The rules kept stay within the bound, dropping the host used least
// recently; a dropped host's robots.txt is asked again when it comes back.
func TestRobotsRulesKeptWithinBound(t *testing.T) {
	body := bigRobots(20 << 10)
	a, aHits := robotsServer(t, 200, body, 0)
	b, bHits := robotsServer(t, 200, body, 0)
	c, cHits := robotsServer(t, 200, body, 0)
	each := robotsKept(len(body))
	r := newRobotsRules(&http.Client{}, "gongkai", 2*each) // room for two hosts
	ctx := context.Background()
	ask := func(srv *httptest.Server) {
		t.Helper()
		if err := r.allowed(ctx, mustURL(t, srv.URL+"/private/x.html")); !errors.Is(err, colly.ErrRobotsTxtBlocked) {
			t.Fatalf("%s: %v, want /private/ blocked", srv.URL, err)
		}
	}
	kept := func() string {
		r.mu.Lock()
		defer r.mu.Unlock()
		var keys []string
		for el := r.lru.Front(); el != nil; el = el.Next() {
			keys = append(keys, el.Value.(*robotsEntry).key)
		}
		if r.used > r.max {
			t.Errorf("%d bytes of rules kept, over the bound %d", r.used, r.max)
		}
		return strings.Join(keys, " ")
	}
	ask(a)
	ask(b)
	ask(c) // a goes
	if got, want := kept(), c.URL+" "+b.URL; got != want {
		t.Errorf("kept %q, want %q", got, want)
	}
	ask(b) // b is the most recent now
	ask(a) // asked again; c goes
	if got, want := kept(), a.URL+" "+b.URL; got != want {
		t.Errorf("kept %q, want %q", got, want)
	}
	if na, nb, nc := aHits.Load(), bHits.Load(), cHits.Load(); na != 2 || nb != 1 || nc != 1 {
		t.Errorf("robots.txt fetched a %d, b %d, c %d times; want 2, 1, 1", na, nb, nc)
	}
}

// Requests to one host that ask together share one fetch and one parse.
func TestRobotsRulesShareOneFetch(t *testing.T) {
	srv, hits := robotsServer(t, 200, "User-agent: *\nDisallow: /private/\n", 100*time.Millisecond)
	r := newRobotsRules(&http.Client{}, "gongkai", 1<<20)
	var wg sync.WaitGroup
	errs := make([]error, 8)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = r.allowed(context.Background(), mustURL(t, srv.URL+"/private/a.html"))
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if !errors.Is(err, colly.ErrRobotsTxtBlocked) {
			t.Errorf("request %d: %v, want blocked", i, err)
		}
	}
	if n := hits.Load(); n != 1 {
		t.Errorf("robots.txt fetched %d times for 8 requests asking together, want 1", n)
	}
}
