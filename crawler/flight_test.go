package crawler

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gongkai/gongkai/archive"
	"github.com/gongkai/gongkai/extract"
	"github.com/gongkai/gongkai/seeds"
)

// eventually polls cond for up to 10 s; it reports a timeout with
// t.Error, so it may run outside the test's goroutine.
func eventually(t *testing.T, what string, cond func() bool) bool {
	t.Helper()
	for end := time.Now().Add(10 * time.Second); !cond(); time.Sleep(time.Millisecond) {
		if time.Now().After(end) {
			t.Errorf("timed out waiting for %s", what)
			return false
		}
	}
	return true
}

// atOnce has n captures of digest "d" ask fs for its extraction: the
// first runs run, which waits for release; once the n-1 others wait for
// it, release is closed. It returns each capture's answer, the first's
// first.
func atOnce(t *testing.T, fs *flights, n int, run func() extracted, release chan struct{}) []extracted {
	t.Helper()
	res := make([]extracted, n)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); res[0] = fs.do(context.Background(), "d", run) }()
	eventually(t, "the first capture in flight", func() bool { _, ok := fs.waiters("d"); return ok })
	for i := 1; i < n; i++ {
		wg.Add(1)
		go func() { defer wg.Done(); res[i] = fs.do(context.Background(), "d", run) }()
	}
	eventually(t, fmt.Sprint(n-1, " waiters"), func() bool { w, _ := fs.waiters("d"); return w == n-1 })
	close(release)
	wg.Wait()
	return res
}

// Captures of one digest that arrive while it is extracted share the
// extraction and its record's write, which each may wait for.
func TestFlightsShareOneExtraction(t *testing.T) {
	const n = 8
	var fs flights
	var runs, waits atomic.Int32
	release := make(chan struct{})
	run := func() extracted {
		runs.Add(1)
		<-release
		return extracted{kind: extract.KindReport, stored: func() error { waits.Add(1); return nil }}
	}
	res := atOnce(t, &fs, n, run, release)
	if got := runs.Load(); got != 1 {
		t.Fatalf("%d extractions of one digest, want 1", got)
	}
	for i, r := range res {
		if r.kind != extract.KindReport || r.failed != "" || r.stored == nil {
			t.Fatalf("capture %d got %+v, want the shared report record", i, r)
		}
	}
	if _, ok := fs.waiters("d"); !ok {
		t.Fatal("the flight ended before its record was durable: a capture arriving now would extract again")
	}
	if r := fs.do(context.Background(), "d", run); r.kind != extract.KindReport || runs.Load() != 1 {
		t.Fatalf("a capture arriving before the record is durable extracted again (%d runs, %+v)", runs.Load(), r)
	}
	for _, r := range res {
		if err := r.stored(); err != nil {
			t.Fatal(err)
		}
	}
	if got := waits.Load(); got != 1 {
		t.Fatalf("the record's write waited %d times, want once", got)
	}
	if _, ok := fs.waiters("d"); ok {
		t.Fatal("the flight outlived its durable record (unbounded memory)")
	}
	if len(fs.m) != 0 {
		t.Fatalf("%d flights left", len(fs.m))
	}
	// Later captures of the bytes: the durable record's kind, remembered.
	if r := fs.do(context.Background(), "d", run); r.kind != extract.KindReport || r.stored != nil || runs.Load() != 1 {
		t.Fatalf("a capture after the record is durable: %+v, %d runs; want the remembered kind, no run", r, runs.Load())
	}
}

// flights remembers at most maxRecent durable digests, forgetting the
// oldest first.
func TestFlightsRecentBounded(t *testing.T) {
	var fs flights
	for i := range maxRecent + 10 {
		fs.do(context.Background(), fmt.Sprint(i), func() extracted { return extracted{kind: fmt.Sprint("k", i)} })
	}
	if len(fs.recent) != maxRecent || len(fs.ring) != maxRecent || len(fs.m) != 0 {
		t.Fatalf("%d remembered, ring %d, %d in flight; want %d, %d, 0", len(fs.recent), len(fs.ring), len(fs.m), maxRecent, maxRecent)
	}
	ran := 0
	for _, tc := range []struct {
		digest string
		kind   string
		runs   int
	}{
		{"10", "k10", 0}, {fmt.Sprint(maxRecent + 9), fmt.Sprint("k", maxRecent+9), 0}, // the newest
		{"0", "again", 1}, {"9", "again", 2}, // the oldest: forgotten
		{"11", "again", 3}, // remembering "0" forgot "10", the oldest, then "9" forgot "11"
	} {
		r := fs.do(context.Background(), tc.digest, func() extracted { ran++; return extracted{kind: "again"} })
		if r.kind != tc.kind || ran != tc.runs {
			t.Errorf("digest %s: kind %q after %d runs, want %q after %d", tc.digest, r.kind, ran, tc.kind, tc.runs)
		}
	}
	// Failures are not remembered: the next capture tries again.
	fs.do(context.Background(), "bad", func() extracted { return extracted{failed: "boom"} })
	if r := fs.do(context.Background(), "bad", func() extracted { return extracted{kind: "ok"} }); r.kind != "ok" {
		t.Fatalf("a failed extraction was remembered: %+v", r)
	}
}

// A failed first extraction: a failure of the bytes is every waiter's
// answer; a failure of the extractor's own context makes each waiter try
// itself. No waiter hangs either way, and no flight is left.
func TestFlightsFirstExtractionFails(t *testing.T) {
	for _, tc := range []struct {
		name     string
		first    extracted
		wantRuns int32
		want     extracted // a waiter's answer
	}{
		{"bad bytes", extracted{failed: "extract: internal error: boom"}, 1, extracted{failed: "extract: internal error: boom"}},
		{"extractor's deadline", extracted{failed: "extract: context deadline exceeded", retry: true}, 4, extracted{kind: extract.KindReport}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			const n = 4
			var fs flights
			var runs atomic.Int32
			release := make(chan struct{})
			run := func() extracted {
				if runs.Add(1) == 1 {
					<-release
					return tc.first
				}
				return extracted{kind: extract.KindReport}
			}
			res := atOnce(t, &fs, n, run, release)
			if got := runs.Load(); got != tc.wantRuns {
				t.Fatalf("%d extractions, want %d", got, tc.wantRuns)
			}
			if res[0].failed != tc.first.failed {
				t.Fatalf("first capture got %+v, want its own failure", res[0])
			}
			for i, r := range res[1:] {
				if r.kind != tc.want.kind || r.failed != tc.want.failed {
					t.Fatalf("waiter %d got %+v, want %+v", i+1, r, tc.want)
				}
			}
			if len(fs.m) != 0 {
				t.Fatalf("%d flights left after a failure", len(fs.m))
			}
		})
	}
}

// A waiter whose context ends stops waiting and extracts alone; the first
// capture's extraction still ends its flight.
func TestFlightsCanceledWaiter(t *testing.T) {
	var fs flights
	release := make(chan struct{})
	first := make(chan extracted)
	go func() {
		first <- fs.do(context.Background(), "d", func() extracted { <-release; return extracted{kind: "first"} })
	}()
	eventually(t, "the first capture in flight", func() bool { _, ok := fs.waiters("d"); return ok })
	ctx, cancel := context.WithCancel(context.Background())
	got := make(chan extracted)
	go func() { got <- fs.do(ctx, "d", func() extracted { return extracted{kind: "own"} }) }()
	eventually(t, "a waiter", func() bool { w, _ := fs.waiters("d"); return w == 1 })
	cancel()
	select {
	case r := <-got:
		if r.kind != "own" {
			t.Fatalf("canceled waiter got %+v, want its own extraction", r)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("a canceled waiter hangs on another capture's extraction")
	}
	close(release)
	if r := <-first; r.kind != "first" {
		t.Fatalf("first capture got %+v", r)
	}
	if len(fs.m) != 0 {
		t.Fatalf("%d flights left", len(fs.m))
	}
}

// sameCrawl is a crawl of one report page served at /r.html on n hosts,
// the n URLs as seeds (a URL list, --max-depth 0).
type sameCrawl struct {
	c       *Crawler
	st      *archive.Store
	list    []seeds.Seed
	digest  string
	mu      sync.Mutex
	fetches map[string]Fetch // by URL
}

func newSameCrawl(t *testing.T, n int) *sameCrawl {
	t.Helper()
	body := reportPage(2023, "/r.pdf")
	s := &sameCrawl{st: testStore(t), digest: hexSHA([]byte(body)), fetches: map[string]Fetch{}}
	for i := 0; i < n; i++ {
		p := newPortal(t)
		p.set("/r.html", body)
		s.list = append(s.list, seeds.Seed{URL: p.srv.URL + "/r.html", Agency: "某市人民政府"})
	}
	cfg := testConfig()
	cfg.NoExtract, cfg.MaxDepth, cfg.Concurrency = false, 0, n
	cfg.OnFetch = func(f Fetch) { s.mu.Lock(); s.fetches[f.URL] = f; s.mu.Unlock() }
	var err error
	if s.c, err = New(s.st, cfg); err != nil {
		t.Fatal(err)
	}
	return s
}

// gate is an extraction hook whose first call waits until every other
// capture of the same bytes waits for it (proving they overlapped), then
// for more (nil: at once), then answers with first (nil: extracts).
type gate struct {
	n     int
	calls atomic.Int32
	more  chan struct{}
	ready chan struct{}
	first error
}

func (g *gate) install(t *testing.T, c *Crawler) {
	next := c.extractFn
	c.extractFn = func(ctx context.Context, in extract.Input) (*extract.Record, error) {
		if g.calls.Add(1) == 1 {
			digest := hexSHA(in.Body)
			eventually(t, "every capture of the same bytes waiting", func() bool {
				w, _ := c.extracting.waiters(digest)
				return w == g.n-1
			})
			if g.ready != nil {
				close(g.ready)
			}
			if g.more != nil {
				<-g.more
			}
			if g.first != nil {
				return nil, g.first
			}
		}
		return next(ctx, in)
	}
}

// gatedRun crawls g.n hosts serving the same bytes, extraction gated by g.
func gatedRun(t *testing.T, g *gate) (*sameCrawl, Summary) {
	t.Helper()
	s := newSameCrawl(t, g.n)
	g.install(t, s.c)
	sum, err := s.c.Run(context.Background(), s.list)
	if err != nil {
		t.Fatal(err)
	}
	return s, sum
}

// N hosts serving the same bytes at once (mirrors; the URL-list benchmark's
// 8 hosts): one extraction, one record, and every capture linked to it.
func TestSamePayloadExtractedOnce(t *testing.T) {
	const n = 6
	g := &gate{n: n}
	s, sum := gatedRun(t, g)
	st, fetches, digest := s.st, s.fetches, s.digest
	defer func() {
		// The night after, the same bytes again: no extraction.
		sum, err := s.c.Run(context.Background(), s.list)
		if err != nil || sum.Pages != n || sum.Reports != n || g.calls.Load() != 1 {
			t.Fatalf("second run: %d pages, %d reports, %d extractions in all (%v); want %d, %d, 1", sum.Pages, sum.Reports, g.calls.Load(), err, n, n)
		}
	}()
	if got := g.calls.Load(); got != 1 {
		t.Fatalf("%d extractions of one payload fetched %d times at once, want 1", got, n)
	}
	if sum.Pages != n || sum.Reports != n {
		t.Fatalf("%d pages, %d reports, want %d of each", sum.Pages, sum.Reports, n)
	}
	p, err := st.ParsedHeader(digest)
	if err != nil || p.Kind != extract.KindReport || p.Year != 2023 {
		t.Fatalf("record of %s: %+v, %v; want the 2023 report", digest[:12], p, err)
	}
	urls, err := st.URLsOf(digest)
	if err != nil || len(urls) != n {
		t.Fatalf("%d URLs hold the digest (%v), want %d", len(urls), err, n)
	}
	for _, u := range urls {
		f := fetches[u]
		if f.Digest != digest || f.RecordKind != extract.KindReport || !f.Report || f.ExtractErr != "" {
			t.Errorf("%s: digest %.12s kind %q report %v err %q; want the shared report record", u, f.Digest, f.RecordKind, f.Report, f.ExtractErr)
		}
		cs, err := st.Captures(u)
		if err != nil || len(cs) != 1 || cs[0].Digest != digest {
			t.Errorf("%s: captures %v, %v; want one of %.12s", u, cs, err, digest)
		}
	}
}

// The first capture's extraction fails: a failure of the bytes is recorded
// on every capture that waited for it (none extracts again); a failure of
// the extractor's deadline lets each waiter extract itself, and the
// record is stored.
func TestSamePayloadFirstExtractionFails(t *testing.T) {
	const n = 4
	for _, tc := range []struct {
		name      string
		first     error
		wantCalls int32
		record    bool // a record is stored
	}{
		{"bad bytes", fmt.Errorf("%w: boom", extract.ErrInternal), 1, false},
		{"deadline", fmt.Errorf("extract pdf: %w", context.DeadlineExceeded), n, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := &gate{n: n, first: tc.first}
			s, sum := gatedRun(t, g)
			st, fetches, digest := s.st, s.fetches, s.digest
			if got := g.calls.Load(); got != tc.wantCalls {
				t.Fatalf("%d extractions, want %d", got, tc.wantCalls)
			}
			if sum.Pages != n {
				t.Fatalf("%d pages, want %d", sum.Pages, n)
			}
			_, err := st.ParsedHeader(digest)
			if tc.record != (err == nil) {
				t.Fatalf("record stored: %v (%v), want %v", err == nil, err, tc.record)
			}
			failed := 0
			for _, f := range fetches {
				switch f.ExtractErr {
				case "":
					if f.RecordKind != extract.KindReport {
						t.Errorf("%s: no error and kind %q", f.URL, f.RecordKind)
					}
				case tc.first.Error():
					failed++
					if f.RecordKind != "" || f.Report {
						t.Errorf("%s: failed extraction of a seed page, yet kind %q report %v", f.URL, f.RecordKind, f.Report)
					}
				default:
					t.Errorf("%s: ExtractErr %q, want %q or none", f.URL, f.ExtractErr, tc.first)
				}
			}
			if want := map[bool]int{false: n, true: 1}[tc.record]; failed != want {
				t.Fatalf("%d captures record the failure, want %d", failed, want)
			}
		})
	}
}

// The run is canceled while the first capture extracts: the waiters stop
// waiting and extract themselves, nothing hangs, and the record is stored.
func TestSamePayloadCanceled(t *testing.T) {
	const n = 4
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	g := &gate{n: n, more: make(chan struct{}), ready: make(chan struct{})}
	go func() {
		<-g.ready
		cancel()
		for g.calls.Load() < n {
			time.Sleep(time.Millisecond)
		}
		close(g.more)
	}()
	s := newSameCrawl(t, n)
	g.install(t, s.c)
	done := make(chan error, 1)
	go func() {
		_, err := s.c.Run(ctx, s.list)
		done <- err
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("a canceled run hangs on an extraction in flight")
	}
	st, fetches, digest := s.st, s.fetches, s.digest
	if got := g.calls.Load(); got != n {
		t.Fatalf("%d extractions, want %d (each waiter its own once canceled)", got, n)
	}
	if p, err := st.ParsedHeader(digest); err != nil || p.Kind != extract.KindReport {
		t.Fatalf("record: %+v, %v", p, err)
	}
	for _, f := range fetches {
		if f.RecordKind != extract.KindReport || f.ExtractErr != "" {
			t.Errorf("%s: kind %q err %q", f.URL, f.RecordKind, f.ExtractErr)
		}
	}
	if len(fetches) != n {
		t.Fatalf("%d pages reported, want %d", len(fetches), n)
	}
}
