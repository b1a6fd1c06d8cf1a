package crawler

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gongkai/gongkai/archive"
	"github.com/gongkai/gongkai/extract"
	"github.com/gongkai/gongkai/frontier"
	"github.com/gongkai/gongkai/seeds"
)

// plainStore hands out the bbolt queues behind plainQueue (a frontier that
// is neither a Chainer nor a Drainer, as a shared one), or chainQueue.
type plainStore struct {
	frontier.Store
	st    *archive.Store
	chain bool   // give the queues DoneAfter
	fail  string // a key whose Done fails

	mu        sync.Mutex
	dones     int
	undurable []string // keys Done was asked for before their capture was durable
}

func (p *plainStore) Queue(seed string) frontier.Queue {
	q := &plainQueue{Queue: p.Store.Queue(seed), p: p}
	if p.chain {
		return &chainQueue{q}
	}
	return q
}

type plainQueue struct {
	frontier.Queue
	p *plainStore
}

// Done checks that each key's capture is committed: a read sees only
// committed transactions.
func (q *plainQueue) Done(ctx context.Context, keys ...string) error {
	for _, k := range keys {
		u := k
		if f := strings.Fields(k); len(f) == 3 && f[0] == "POST" {
			u = f[1] // a form request's key: "POST url form"
		}
		cs, err := q.p.st.Captures(u)
		q.p.mu.Lock()
		q.p.dones++
		if err != nil || len(cs) == 0 {
			q.p.undurable = append(q.p.undurable, k)
		}
		q.p.mu.Unlock()
		if k == q.p.fail {
			return errors.New("injected failure")
		}
	}
	return q.Queue.Done(ctx, keys...)
}

type chainQueue struct{ *plainQueue }

// DoneAfter fails for the key to fail (its context already cancelled).
func (q *chainQueue) DoneAfter(ctx context.Context, after *archive.Queued, keys ...string) *archive.Queued {
	if len(keys) == 1 && keys[0] == q.p.fail {
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		ctx = cctx
	}
	return q.Queue.(frontier.Chainer).DoneAfter(ctx, after, keys...)
}

// A frontier that cannot chain Done behind the archive's writes (a shared
// one, Redis) is asked Done for a page only once its capture is durable.
func TestDoneOnlyAfterCaptureDurable(t *testing.T) {
	p := newPortal(t)
	buildPortal(p, "hanweb", "http://192.0.2.1")
	st := testStore(t)
	fs := &plainStore{Store: frontier.Bolt(st), st: st}
	cfg := testConfig()
	cfg.Frontier = fs
	sum := crawl(t, st, cfg, p.url("/"))
	if sum.Pages < 10 || fs.dones != sum.Pages {
		t.Fatalf("%d pages, %d Done calls; want one each, 10 or more", sum.Pages, fs.dones)
	}
	if len(fs.undurable) > 0 {
		t.Errorf("Done before the capture was durable: %v", fs.undurable)
	}
}

// A page whose Done fails, chained or asked after, fails the crawl as any
// archive write does: the error is returned, the page is not counted (the
// pages fetched ahead of it are) and its item stays in the frontier for
// the next run.
func TestFailedDoneReported(t *testing.T) {
	for _, chain := range []bool{true, false} {
		p := newPortal(t)
		buildPortal(p, "hanweb", "http://192.0.2.1")
		st := testStore(t)
		fail := p.url("/")
		fs := &plainStore{Store: frontier.Bolt(st), st: st, chain: chain, fail: fail}
		cfg := testConfig()
		cfg.Frontier = fs
		var mu sync.Mutex
		counted := map[string]bool{}
		cfg.OnFetch = func(f Fetch) {
			mu.Lock()
			counted[f.URL] = true
			mu.Unlock()
		}
		c, err := New(st, cfg)
		if err != nil {
			t.Fatal(err)
		}
		sum, err := c.Run(context.Background(), []seeds.Seed{{URL: fail}})
		if err == nil || !strings.Contains(err.Error(), "frontier done "+fail) {
			t.Fatalf("chained %v: Run = %v; want the failed Done", chain, err)
		}
		if counted[fail] || sum.Pages != len(counted) {
			t.Errorf("chained %v: seed page counted %v, %d pages for %d reported; want it not counted", chain, counted[fail], sum.Pages, len(counted))
		}
		if cs, err := st.Captures(fail); err != nil || len(cs) != 1 {
			t.Errorf("chained %v: captures of the seed page: %d, %v; want 1", chain, len(cs), err)
		}
		resumed, err := frontier.Bolt(st).Queue(fail).Begin(context.Background(), frontier.Item{Key: fail, Host: "x", Priority: 1})
		if err != nil || !resumed {
			t.Errorf("chained %v: next Begin = %v, %v; want the seed's frontier kept to resume", chain, resumed, err)
		}
	}
}

// storePops counts the Pops of the bbolt queues, drained or not.
type storePops struct {
	frontier.Store
	mu   sync.Mutex
	pops int
}

func (p *storePops) Queue(seed string) frontier.Queue {
	return &countingQueue{Queue: p.Store.Queue(seed), p: p}
}

type countingQueue struct {
	frontier.Queue
	p *storePops
}

func (q *countingQueue) count() {
	q.p.mu.Lock()
	q.p.pops++
	q.p.mu.Unlock()
}

func (q *countingQueue) Pop(ctx context.Context, n int) ([]frontier.Item, error) {
	q.count()
	return q.Queue.Pop(ctx, n)
}

func (q *countingQueue) PopDrained(ctx context.Context, n int) ([]frontier.Item, bool, error) {
	q.count()
	return q.Queue.(frontier.Drainer).PopDrained(ctx, n)
}

// A list of report URLs (--max-depth 0) costs one Pop per seed: the Pop
// that takes the seed drains its frontier, and nothing is pushed after.
// A portal crawled from the same frontier finds the same pages.
func TestURLSeedPopsOnce(t *testing.T) {
	p := newPortal(t)
	reports, _ := buildPortal(p, "hanweb", "http://192.0.2.1")
	if len(reports) < 5 {
		t.Fatalf("portal has %d reports", len(reports))
	}
	st := testStore(t)
	fs := &storePops{Store: frontier.Bolt(st)}
	cfg := testConfig()
	cfg.Frontier, cfg.MaxDepth = fs, 0
	var urls []string
	for _, r := range reports {
		urls = append(urls, p.url(r))
	}
	sum := crawl(t, st, cfg, urls...)
	if sum.Pages != len(reports) || fs.pops != len(reports) {
		t.Errorf("%d URL seeds: %d pages, %d Pops; want one each", len(reports), sum.Pages, fs.pops)
	}

	fs.pops = 0
	whole := crawl(t, testStore(t), testConfig(), p.url("/"))
	counted := crawl(t, testStore(t), func() Config { c := testConfig(); c.Frontier = fs; return c }(), p.url("/"))
	if counted.Pages != whole.Pages || counted.Reports != whole.Reports {
		t.Errorf("portal crawled with counted Pops: %d pages %d reports, want %d %d", counted.Pages, counted.Reports, whole.Pages, whole.Reports)
	}
}

// A Pop's word that it drained the frontier counts only if no push could
// have slipped past it.
func TestEmptinessIgnoresRacingPushes(t *testing.T) {
	push := func(e *emptiness) { e.push()() }
	cases := []struct {
		name   string
		before func(e *emptiness) (end func()) // before the Pop begins; end, if any, just after
		during func(e *emptiness)              // before its answer is taken
		after  func(e *emptiness)              // once it has drained
		want   bool
	}{
		{"drained, nothing pushed", nil, nil, nil, true},
		{"a push under way when the Pop began", func(e *emptiness) func() { return e.push() }, nil, nil, false},
		{"a push ended before the Pop began", func(e *emptiness) func() { push(e); return nil }, nil, nil, true},
		{"a push began before the answer", nil, push, nil, false},
		{"pushed after it drained", nil, nil, push, false},
		{"forgotten (another worker)", nil, nil, (*emptiness).forget, false},
	}
	for _, tc := range cases {
		e := &emptiness{}
		var end func()
		if tc.before != nil {
			end = tc.before(e)
		}
		g, clean := e.begin()
		if end != nil {
			end()
		}
		if tc.during != nil {
			tc.during(e)
		}
		if clean {
			e.drained(g)
		}
		if tc.after != nil {
			tc.after(e)
		}
		if got := e.known(); got != tc.want {
			t.Errorf("%s: known %v, want %v", tc.name, got, tc.want)
		}
	}
}

// doneStore's queues are the archive's own, counting the Done writes.
type doneStore struct {
	frontier.Store
	st *archive.Store

	mu      sync.Mutex
	chained int            // DoneAfter calls
	done    map[string]int // keys asked Done (unchained)
}

func (d *doneStore) Queue(seed string) frontier.Queue {
	return &doneQueue{Frontier: d.st.Frontier(frontier.QueueName(seed)), d: d}
}

type doneQueue struct {
	*archive.Frontier
	d *doneStore
}

func (q *doneQueue) DoneAfter(ctx context.Context, after *archive.Queued, keys ...string) *archive.Queued {
	q.d.mu.Lock()
	q.d.chained++
	q.d.mu.Unlock()
	return q.Frontier.DoneAfter(ctx, after, keys...)
}

func (q *doneQueue) Done(ctx context.Context, keys ...string) error {
	q.d.mu.Lock()
	for _, k := range keys {
		q.d.done[k]++
	}
	q.d.mu.Unlock()
	return q.Frontier.Done(ctx, keys...)
}

// A page archived once its seed is known complete is not marked done: the
// seed's Reset forgets it with the rest. If the seed then ends without
// its Reset (interrupted), its pages are marked done after all, so the
// next run does not fetch them again.
func TestFinishingSeedLeavesDoneToReset(t *testing.T) {
	p := newPortal(t)
	reports, _ := buildPortal(p, "plain", "http://192.0.2.1")
	var urls []string
	for _, r := range reports {
		urls = append(urls, p.url(r))
	}
	for _, interrupt := range []bool{false, true} {
		dir := t.TempDir()
		st, err := archive.Open(filepath.Join(dir, "a.db"), nil)
		if err != nil {
			t.Fatal(err)
		}
		ds := &doneStore{Store: frontier.Bolt(st), st: st, done: map[string]int{}}
		cfg := testConfig()
		cfg.Frontier, cfg.MaxDepth, cfg.NoExtract = ds, 0, false
		list := urls
		if interrupt {
			list = urls[:1]
		}
		ctx, cancel := context.WithCancel(context.Background())
		c, err := New(st, cfg)
		if err != nil {
			t.Fatal(err)
		}
		next := c.extractFn
		c.extractFn = func(ctx context.Context, in extract.Input) (*extract.Record, error) {
			// The fetch loop finds the seed complete as soon as its
			// page's links are read; archiving takes longer than that.
			time.Sleep(30 * time.Millisecond)
			if interrupt {
				cancel() // after the loop ended, before the Reset
			}
			return next(ctx, in)
		}
		var sl []seeds.Seed
		for _, u := range list {
			sl = append(sl, seeds.Seed{URL: u})
		}
		sum, err := c.Run(ctx, sl)
		cancel()
		if err != nil {
			t.Fatal(err)
		}
		if sum.Pages != len(list) || sum.Reports != len(list) {
			t.Fatalf("interrupt %v: %d pages, %d reports; want %d", interrupt, sum.Pages, sum.Reports, len(list))
		}
		if ds.chained != 0 {
			t.Errorf("interrupt %v: %d chained Done writes for %d one-page seeds, want 0 (the Reset forgets them)", interrupt, ds.chained, len(list))
		}
		wantDone := map[bool]int{false: 0, true: 1}[interrupt]
		if got := ds.done[list[0]]; got != wantDone {
			t.Errorf("interrupt %v: the seed page asked Done %d times, want %d", interrupt, got, wantDone)
		}
		// Reopened (in-flight items are requeued then): what the next run
		// would fetch again.
		if err := st.Close(); err != nil {
			t.Fatal(err)
		}
		st2, err := archive.Open(filepath.Join(dir, "a.db"), nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range list {
			q := st2.Frontier(frontier.QueueName(u))
			items, err := q.Pop(context.Background(), 10)
			known, kerr := q.Known(u)
			if err != nil || kerr != nil || len(items) != 0 || known[0] != interrupt {
				t.Errorf("interrupt %v: %s after the run: %d items to fetch again, known %v (%v, %v); want none, the frontier %s",
					interrupt, u, len(items), known, err, kerr, map[bool]string{false: "reset", true: "kept with the page done"}[interrupt])
			}
		}
		st2.Close()
	}
}
